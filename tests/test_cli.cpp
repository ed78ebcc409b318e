// The command-line tool, run as a user would: help, one-line errors with a non-zero exit for
// bad flags and files, and train → eval → denoise → grid → summary → bench on real MNIST.
#include <gtest/gtest.h>

#ifdef DAE_CLI_PATH
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <map>
#include <string>

#include "data/data.h"
#include "formats/json.h"
#include "nn/model.h"
#include "study/figures.h"
#include "train/trainer.h"
#include "train/latent.h"
#include "train/threadpool.h"
#include "test_util.h"

namespace fs = std::filesystem;

namespace {

using Result = dae_test::CliResult;
using dae_test::lines;
using dae_test::run_dae;

fs::path tmp() {
  const fs::path d = fs::path(DAE_TEST_TMP_DIR) / "cli";
  fs::create_directories(d);
  return d;
}

}  // namespace

TEST(Cli, HelpEverywhere) {
  const Result top = run_dae("--help");
  EXPECT_EQ(top.code, 0);
  for (const char* c : {"summary", "train", "eval", "denoise", "grid", "figure", "bench", "export", "sweep", "latent"}) {
    EXPECT_NE(top.out.find(c), std::string::npos) << c;
    const Result h = run_dae(std::string(c) + " --help");
    EXPECT_EQ(h.code, 0) << c;
    EXPECT_NE(h.out.find("usage: dae " + std::string(c)), std::string::npos) << h.out;
  }
  EXPECT_NE(run_dae("train --help").out.find("--noise"), std::string::npos);
}

TEST(Cli, BadFlagsAndFilesGiveOneLineErrors) {
  const std::string m = (tmp() / "missing.safetensors").string();
  const std::string junk = (tmp() / "junk.safetensors").string();
  { FILE* f = fopen(junk.c_str(), "wb"); fputs("definitely not safetensors", f); fclose(f); }
  struct Case { std::string args, expect; };
  const Case cases[] = {
      {"frobnicate", "unknown command"},
      {"train --bogus 1", "unknown flag --bogus"},
      {"train --epochs", "needs a value"},
      {"train --epochs 0", "epochs must be an integer in 1..10,000, got '0'"},
      {"train --epochs ten", "must be an integer"},
      {"train --lr -3", "learning rate"},
      {"train --noise pink:0.3", "noise"},
      {"train --arch conv8:tanh", "activation"},
      {"train --dataset /nonexistent/folder", "neither mnist, dhcd, a folder nor a file"},
      {"train --train 20000", "10000"},
      {"train --out /nonexistent/dir/m.safetensors", "the folder /nonexistent/dir does not exist"},
      {"eval --model " + m, "missing.safetensors"},
      {"eval --model " + junk, "safetensors"},
      {"denoise --model " + junk + " --in a.png --out b.png", "safetensors"},
      {"summary --input 1", "--input must be an integer between 2 and 512"},
  };
  for (const auto& c : cases) {
    const Result r = run_dae(c.args);
    EXPECT_EQ(r.code, 1) << c.args << "\n" << r.out;
    EXPECT_EQ(lines(r.out), 1) << c.args << "\n" << r.out;
    EXPECT_EQ(r.out.rfind("dae: error: ", 0), 0u) << r.out;
    EXPECT_NE(r.out.find(c.expect), std::string::npos) << c.args << "\n" << r.out;
  }
}

// Two outputs, or an output and an input, naming one file: refused before any work, and nothing
// is written (`train --out m --history m` printed "saved" and left a CSV where the model was).
TEST(Cli, OutputsThatNameTheSameFileAreRefusedBeforeTraining) {
  const fs::path d = tmp() / "same";
  fs::remove_all(d);
  fs::create_directories(d);
  const std::string m = (d / "m.safetensors").string(), other = (d / "sub" / ".." / "m.safetensors").string();
  const std::string model = (d / "kept.safetensors").string();
  const Result t = run_dae("train --epochs 1 --train 64 --val 16 --arch conv4-pool-up-conv1:sigmoid --quiet --out " +
                           model);
  ASSERT_EQ(t.code, 0) << t.out;
  fs::create_directories(d / "sub");
  const auto before = fs::last_write_time(model);
  struct Case { std::string args, expect; };
  const Case cases[] = {
      {"train --epochs 1 --out " + m + " --history " + m, "--out and --history name the same file"},
      {"train --epochs 1 --out " + m + " --history " + other, "--out and --history name the same file"},
      {"train --epochs 1 --out " + model + " --init " + model, "--out and --init name the same file"},
      {"train --epochs 1 --history " + model + " --init " + model + " --out " + m, "--history and --init"},
      {"grid --model " + model + " --out " + model, "--out and --model name the same file"},
      {"denoise --model " + model + " --in x.png --out " + m + " --noisy-out " + m, "--out and --noisy-out"},
  };
  for (const auto& c : cases) {
    const Result r = run_dae(c.args);
    EXPECT_EQ(r.code, 1) << c.args << "\n" << r.out;
    EXPECT_EQ(lines(r.out), 1) << c.args << "\n" << r.out;
    EXPECT_NE(r.out.find(c.expect), std::string::npos) << c.args << "\n" << r.out;
  }
  EXPECT_FALSE(fs::exists(m)) << "a refused command wrote its output";
  EXPECT_EQ(fs::last_write_time(model), before) << "a refused command touched the model";
}

TEST(Cli, SummaryPrintsTheKerasTable) {
  const Result r = run_dae("summary");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("Total params: 74,497 (291.00 KB)"), std::string::npos) << r.out;
  const Result d = run_dae("summary --arch deep --input 32");
  EXPECT_NE(d.out.find("(None, 32, 32, 1)"), std::string::npos);
}

TEST(Cli, TrainEvalDenoiseGridOnMnist) {
  const fs::path d = tmp();
  const std::string model = (d / "m.safetensors").string(), hist = (d / "h.csv").string();
  const Result t = run_dae("train --dataset mnist --epochs 2 --train 600 --val 100 --batch 32 --threads 2 --out " + model +
                       " --history " + hist);
  ASSERT_EQ(t.code, 0) << t.out;
  EXPECT_NE(t.out.find("Epoch 2/2"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("val_loss: "), std::string::npos);
  EXPECT_NE(t.out.find("noisy input baseline"), std::string::npos);
  // History CSV: header + one row per epoch, numbers that parse.
  FILE* f = fopen(hist.c_str(), "r");
  ASSERT_TRUE(f);
  char line[512];
  ASSERT_TRUE(fgets(line, sizeof line, f));
  EXPECT_STREQ(line, "epoch,train_loss,val_loss,val_psnr,val_ssim,seconds\n");
  int rows = 0;
  double val_loss = 0;
  while (fgets(line, sizeof line, f)) {
    int e;
    double tl, vl, vp, vs, sec;
    ASSERT_EQ(sscanf(line, "%d,%lf,%lf,%lf,%lf,%lf", &e, &tl, &vl, &vp, &vs, &sec), 6) << line;
    EXPECT_EQ(e, ++rows);
    val_loss = vl;
  }
  fclose(f);
  EXPECT_EQ(rows, 2);
  // eval uses the model's own config (same val set and noise): same val loss as the last epoch.
  const Result e = run_dae("eval --json --model " + model);
  ASSERT_EQ(e.code, 0) << e.out;
  const dae::Json j = dae::parse_json(e.out);
  EXPECT_NEAR(j.at("val_loss").get<double>(), val_loss, 5e-6);
  EXPECT_LT(j.at("val_loss").get<double>(), j.at("noisy_loss").get<double>());
  EXPECT_EQ(j.at("images").get<int64_t>(), 100);
  const Result et = run_dae("eval --model " + model);
  EXPECT_NE(et.out.find("noisy input"), std::string::npos);
  // denoise a real digit PNG; wrong-size PNG rejected.
  dae::Dataset ds = dae::load_pack(std::string(DAE_TEST_DATA_DIR) + "/mnist.daepack");
  const std::string in = (d / "digit.png").string(), out = (d / "out.png").string(), noisy = (d / "noisy.png").string();
  dae::write_gray_png(in, ds.train.image(0), 28, 28);
  const Result dn = run_dae("denoise --model " + model + " --in " + in + " --out " + out + " --noise gaussian:0.5 --noisy-out " + noisy);
  ASSERT_EQ(dn.code, 0) << dn.out;
  int h = 0, w = 0;
  EXPECT_EQ(dae::read_gray_png(out, h, w).size(), 784u);
  EXPECT_EQ(dae::read_gray_png(noisy, h, w).size(), 784u);
  std::vector<uint8_t> big(32 * 32, 0);
  const std::string big_png = (d / "big.png").string();
  dae::write_gray_png(big_png, big.data(), 32, 32);
  const Result bad = run_dae("denoise --model " + model + " --in " + big_png + " --out " + out);
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("the model takes 1×28×28 images"), std::string::npos) << bad.out;
  // grid: 3 rows × 10 columns at zoom 3 with 2-pixel gaps.
  const std::string grid = (d / "grid.png").string();
  const Result g = run_dae("grid --model " + model + " --out " + grid);
  ASSERT_EQ(g.code, 0) << g.out;
  dae::read_gray_png(grid, h, w, 4096);
  EXPECT_EQ(w, 10 * (28 * 3 + 2) + 2);
  EXPECT_EQ(h, 3 * (28 * 3 + 2) + 2);
  // summary of the saved model.
  EXPECT_NE(run_dae("summary --model " + model).out.find("Total params"), std::string::npos);
}

// dae figure: every figure of the page's Save PNG buttons from files, as a PNG of the size it
// says at --zoom; the loss plot is byte for byte what the core draws from the file's history
// (the page calls the same code); bad kinds and flags are one-line errors.
TEST(Cli, FiguresOfTheSavePngButtons) {
  const fs::path d = tmp() / "figures";
  fs::create_directories(d);
  const std::string model = std::string(DAE_TEST_ASSETS_DIR) + "/pretrained/seed-mnist.safetensors";
  dae::Dataset ds = dae::load_pack(std::string(DAE_TEST_DATA_DIR) + "/mnist.daepack");
  const std::string digit = (d / "digit.png").string();
  dae::write_gray_png(digit, ds.train.image(0), 28, 28);
  const std::string m = " --model " + model;
  auto size_of = [&](const std::string& args, int& w, int& h) {
    const std::string out = (d / "f.png").string();
    fs::remove(out);
    const Result r = run_dae("figure " + args + " --out " + out);
    EXPECT_EQ(r.code, 0) << args << "\n" << r.out;
    dae::read_gray_png(out, h, w, 4096);
    EXPECT_NE(r.out.find(std::to_string(w) + "×" + std::to_string(h) + " pixels"), std::string::npos) << r.out;
    return r;
  };
  int w1 = 0, h1 = 0, w2 = 0, h2 = 0;
  size_of("loss" + m + " --zoom 1", w1, h1);
  EXPECT_EQ(w1, 960);
  EXPECT_EQ(h1, 540);
  for (const std::string& kind : std::vector<std::string>{"results --count 4", "data --dataset mnist", "draw --in " + digit, "filters",
                                 "maps --layer 1 --cmap heat --in " + digit}) {
    const std::string args = kind + (kind.rfind("data", 0) == 0 ? "" : m);
    size_of(args + " --zoom 1", w1, h1);
    size_of(args, w2, h2);  // the default: 2×
    EXPECT_GT(w1, 200) << kind;
    EXPECT_GT(h1, 100) << kind;
    EXPECT_EQ(w2, 2 * w1) << kind;
    EXPECT_EQ(h2, 2 * h1) << kind;
  }
  // The loss plot from the file's history and baseline, drawn by the core as the page draws it.
  std::map<std::string, std::string> meta;
  dae::Model::load(model, &meta);
  dae::LossCurve c{"seed-mnist", {}, {}, {}};
  for (const dae::EpochStats& e : dae::history_from_json(dae::parse_json(meta["history"]), false))
    c.epochs.push_back(e.epoch), c.train.push_back(e.train_loss), c.val.push_back(e.val_loss);
  const double noisy = dae::parse_json(meta["baseline"]).at("val_loss").get<double>();
  const std::vector<uint8_t> core = dae::plot_png(dae::loss_plot({c}, noisy, "bce", false), 2);
  const std::string out = (d / "loss.png").string();
  ASSERT_EQ(run_dae("figure loss" + m + " --out " + out).code, 0);
  std::ifstream f(out, std::ios::binary);
  const std::vector<uint8_t> cli((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(cli == core) << "dae figure loss differs from the core's figure of the same history";
  struct Case { std::string args, expect; };
  const Case cases[] = {
      {"figure", "name the figure: dae figure KIND"},
      {"figure pie" + m, "unknown figure 'pie'"},
      {"figure maps" + m, "--in PNG is required"},
      {"figure filters" + m + " --cmap jet", "--cmap must be gray, heat or diverging"},
      {"figure loss" + m + " --zoom 5", "--zoom must be an integer between 1 and 4"},
      {"figure results" + m + " --out " + model, "--out and --model name the same file"},
  };
  for (const auto& k : cases) {
    const Result r = run_dae(k.args);
    EXPECT_EQ(r.code, 1) << k.args << "\n" << r.out;
    EXPECT_EQ(lines(r.out), 1) << k.args << "\n" << r.out;
    EXPECT_NE(r.out.find(k.expect), std::string::npos) << k.args << "\n" << r.out;
  }
}

// Reads a CSV of numbers: the header's fields and the rows.
static std::vector<std::vector<double>> read_csv(const std::string& path, std::vector<std::string>& header) {
  std::ifstream f(path);
  std::string line;
  std::vector<std::vector<double>> rows;
  header.clear();
  for (bool first = true; std::getline(f, line); first = false) {
    std::stringstream ss(line);
    std::string cell;
    std::vector<double> row;
    while (std::getline(ss, cell, ',')) {
      if (first) header.push_back(cell);
      else row.push_back(std::stod(cell));
    }
    if (!first) rows.push_back(row);
  }
  return rows;
}

// dae latent on a tiny model: the CSV has a row per image with its validation class, a centred
// PCA position and its whole code (equal to the core's encode of that image); the map and the
// interpolation strip are PNGs of the expected size; bad indices and models without '|' are
// one-line errors.
TEST(Cli, LatentMapCsvAndInterpolation) {
  const fs::path d = tmp() / "latent";
  fs::create_directories(d);
  const std::string model = (d / "m.safetensors").string(), csv = (d / "c.csv").string(), map = (d / "map.png").string();
  const Result t = run_dae("train --dataset mnist --arch 'conv4 pool | up conv1:sigmoid' --epochs 1 --train 200 --val 80 "
                           "--batch 32 --threads 1 --out " + model);
  ASSERT_EQ(t.code, 0) << t.out;
  const Result r = run_dae("latent --model " + model + " --images 60 --out " + map + " --codes " + csv + " --codes-full");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("60 codes of 784 values"), std::string::npos) << r.out;
  std::vector<std::string> header;
  const auto rows = read_csv(csv, header);
  ASSERT_EQ(rows.size(), 60u);
  ASSERT_EQ(header.size(), 4u + 784u);
  EXPECT_EQ(header[0] + header[1] + header[2] + header[3] + header[4], "indexclassxyz0");
  dae::Dataset ds = dae::load_pack(std::string(DAE_TEST_DATA_DIR) + "/mnist.daepack");
  dae::ImageSet train, val;
  dae::make_split(ds, 1, 80, train, val);
  dae::ThreadPool pool(1);
  const dae::Model m = dae::Model::load(model);
  const dae::Codes codes = dae::encode_set(m, val, 60, pool);
  double sx = 0, spread = 0;
  for (int i = 0; i < 60; ++i) {
    ASSERT_EQ(rows[i].size(), header.size());
    EXPECT_EQ(rows[i][0], i);
    EXPECT_EQ(rows[i][1], val.labels[i]);
    sx += rows[i][2];
    spread += std::abs(rows[i][2]);
    for (int j = 0; j < 784; ++j) ASSERT_NEAR(rows[i][4 + j], codes.row(i)[j], 1e-6 * (1 + std::abs(codes.row(i)[j])));
  }
  EXPECT_NEAR(sx / 60, 0.0, 1e-3 * spread / 60);  // PCA positions are centred
  EXPECT_GT(spread, 0.0);
  int h = 0, w = 0;
  EXPECT_EQ(dae::read_gray_png(map, h, w, 4096).size(), size_t(900) * 720);
  // t-SNE map: a row per image.
  const Result ts = run_dae("latent --model " + model + " --method tsne --perplexity 10 --images 40 --out " + map +
                            " --codes " + csv);
  ASSERT_EQ(ts.code, 0) << ts.out;
  EXPECT_EQ(read_csv(csv, header).size(), 40u);
  EXPECT_EQ(header.size(), 4u);
  // The strip: clean A, 6 mixes, clean B at zoom 3 with 6-pixel gaps.
  const std::string strip = (d / "strip.png").string();
  const Result s = run_dae("latent --model " + model + " --interpolate 3,7 --steps 6 --out " + strip);
  ASSERT_EQ(s.code, 0) << s.out;
  dae::read_gray_png(strip, h, w, 4096);
  EXPECT_EQ(w, 8 * (28 * 3 + 6) + 6);
  const Result bad = run_dae("latent --model " + model + " --interpolate 3,80 --out " + strip);
  EXPECT_EQ(bad.code, 1);
  EXPECT_EQ(lines(bad.out), 1);
  EXPECT_NE(bad.out.find("two validation indices A,B below 80"), std::string::npos) << bad.out;
  const std::string flat = (d / "flat.safetensors").string();
  ASSERT_EQ(run_dae("train --dataset mnist --arch 'conv4 conv1:sigmoid' --epochs 1 --train 64 --val 16 --out " + flat).code, 0);
  const Result nobar = run_dae("latent --model " + flat + " --out " + map);
  EXPECT_EQ(nobar.code, 1);
  EXPECT_NE(nobar.out.find("has no '|'"), std::string::npos) << nobar.out;
}

// `dae train --dataset dhcd` works in every build and says which DHCD it loaded: the full set
// (DAE_DHCD_DIR present at build time) or the subset bundled in assets/ (a fresh clone). The
// default sizes (8000 / 2000) are cut to what the subset holds; a one-convolution model keeps it quick.
TEST(Cli, TrainOnDhcdSaysWhichSetIsLoaded) {
  const bool subset = std::string(DAE_TEST_DHCD_SOURCE) == "subset";
  const std::string out = (tmp() / "dhcd.safetensors").string();
  const Result v = run_dae("train --dataset Devanagari --arch conv1:sigmoid --epochs 1 --train 64 --val 32 --out " + out);
  ASSERT_EQ(v.code, 0) << v.out;
  const std::string first = subset ? "dataset Devanagari: bundled subset of DHCD, 6,000 train / 1,000 test images of 32×32\n"
                                   : "dataset Devanagari: full DHCD, 17,000 train / 3,000 test images of 32×32\n";
  EXPECT_EQ(v.out.rfind(first, 0), 0u) << v.out;
  EXPECT_NE(v.out.find("using 64 train / 32 val images"), std::string::npos) << v.out;
  // Default sizes: all 6,000 / 1,000 of the subset, or 8,000 / 2,000 of the full set.
  const Result d = run_dae("train --dataset dhcd --arch conv1:sigmoid --epochs 1 --batch 256 --quiet --out " + out);
  ASSERT_EQ(d.code, 0) << d.out;
  std::map<std::string, std::string> meta;
  dae::Model::load(out, &meta);
  const dae::Json cfg = dae::parse_json(meta.at("config"));
  EXPECT_EQ(cfg.at("train").get<int64_t>(), subset ? 6000 : 8000);
  EXPECT_EQ(cfg.at("val").get<int64_t>(), subset ? 1000 : 2000);
  // A size the user gives is never cut: more than the subset holds is an error.
  if (subset) EXPECT_NE(run_dae("train --dataset dhcd --train 7000 --out " + out).out.find("has only 6000"), std::string::npos);
}

// `--arch best` trains with best's own epochs, batch and lr unless a flag says otherwise; the
// model file records the settings used.
TEST(Cli, BestPresetBringsItsTrainingSettings) {
  const std::string out = (tmp() / "best.safetensors").string();
  const Result r = run_dae("train --arch best --epochs 1 --train 64 --val 32 --quiet --out " + out);
  ASSERT_EQ(r.code, 0) << r.out;
  std::map<std::string, std::string> meta;
  const dae::Model m = dae::Model::load(out, &meta);
  EXPECT_EQ(m.spec(), dae::Model::build("best", 1, 28, 28).spec());
  const dae::Json cfg = dae::parse_json(meta.at("config"));
  EXPECT_EQ(cfg.at("epochs").get<int64_t>(), 1);
  EXPECT_EQ(cfg.at("batch").get<int64_t>(), dae::Model::preset("best")->training.batch);
  EXPECT_DOUBLE_EQ(cfg.at("lr").get<double>(), dae::Model::preset("best")->training.lr);
  EXPECT_NE(run_dae("train --help").out.find("best brings its own --epochs 4 --batch 16 --lr 0.0015"), std::string::npos);
}

TEST(Cli, BenchEndsWithOneJsonLine) {
  const Result r = run_dae("bench --threads 1 --seconds 0.3");
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string last = r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1);
  const dae::Json j = dae::parse_json(last);
  EXPECT_GT(j.at("samples_per_s").get<double>(), 0);  // a report, not a speed test
  EXPECT_EQ(j.at("threads").get<int64_t>(), 1);
  EXPECT_GT(j.at("forward_ms").get<double>(), 0);
}
#endif
