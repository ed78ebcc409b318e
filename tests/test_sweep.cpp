// Sweeps: plans parsed strictly and expanded in order (core/study/sweep.h), run identities that
// follow everything a result depends on (and nothing else), results that count only when
// complete, the tables and figures; then `dae sweep` run as a user would (natively): a 2×2
// sweep of tiny runs writes its files, a second invocation trains nothing, a changed plan
// trains only its new runs, a half-written run is trained again, bad plans are one-line errors,
// and the cross-noise table equals `dae eval` of the same models.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#ifdef DAE_CLI_PATH
#include <sys/file.h>
#include <unistd.h>
#endif

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "data/data.h"
#include "formats/csv.h"
#include "formats/io.h"
#include "formats/json.h"
#include "formats/png.h"
#include "formats/safetensors.h"
#include "study/figures.h"
#include "study/sweep.h"
#include "test_util.h"

namespace fs = std::filesystem;
using dae::Json;
using dae::SweepPlan;

namespace {

SweepPlan plan_of(const std::string& text) { return SweepPlan::from_json(dae::parse_json(text)); }

std::string text_of(const fs::path& p) {
  const auto b = dae::read_file(p.string(), size_t(64) << 20);
  return std::string(b.begin(), b.end());
}

// A small dataset with a test part, 8×8 images.
dae::Dataset tiny_dataset(int n_train = 40, int n_test = 20) {
  dae::Dataset ds;
  ds.name = "tiny";
  ds.train.h = ds.train.w = ds.test.h = ds.test.w = 8;
  std::vector<uint8_t> img(64);
  for (int i = 0; i < n_train + n_test; ++i) {
    for (int p = 0; p < 64; ++p) img[size_t(p)] = uint8_t((p * 29 + i * 7) % 256);
    (i < n_train ? ds.train : ds.test).append(img.data(), uint8_t(i % 10));
  }
  return ds;
}

std::vector<std::string> labels(const std::vector<dae::PlannedRun>& runs) {
  std::vector<std::string> out;
  for (const auto& r : runs) out.push_back(r.label);
  return out;
}

}  // namespace

TEST(SweepPlan, ExpandsRunsTimesAxesFirstAxisOutermost) {
  const SweepPlan p = plan_of(R"({
    "name": "demo", "description": "what it is for",
    "settings": {"dataset": "mnist", "epochs": 2, "train": 100},
    "runs": [{"arch": "seed"}, {"arch": "dense", "lr": 0.003}],
    "axes": {"noise": ["gaussian:0.3", "sp:0.1"], "seed": [0, 1]},
    "eval_noise": ["gaussian:0.1", "SP: 0.2"]})");
  EXPECT_EQ(p.name, "demo");
  ASSERT_EQ(p.eval_noise.size(), 2u);
  EXPECT_EQ(p.eval_noise[1].str(), "sp:0.2");
  const auto runs = dae::expand(p, dae::TrainConfig());
  ASSERT_EQ(runs.size(), 8u);
  EXPECT_EQ(dae::varying_keys(runs), (std::vector<std::string>{"arch", "noise", "lr", "seed"}));
  EXPECT_EQ(labels(runs)[0], "arch=seed noise=gaussian:0.3 lr=0.001 seed=0");
  EXPECT_EQ(labels(runs)[1], "arch=seed noise=gaussian:0.3 lr=0.001 seed=1");
  EXPECT_EQ(labels(runs)[2], "arch=seed noise=sp:0.1 lr=0.001 seed=0");
  EXPECT_EQ(labels(runs)[7], "arch=dense noise=sp:0.1 lr=0.003 seed=1");
  EXPECT_EQ(runs[5].cfg.epochs, 2);
  EXPECT_EQ(runs[5].cfg.train, 100u);
  EXPECT_DOUBLE_EQ(runs[5].cfg.lr, 0.003);
  EXPECT_TRUE(runs[0].written.contains("train"));
  EXPECT_FALSE(runs[0].written.contains("val"));
  // The plan round-trips through its JSON.
  EXPECT_EQ(dae::dump_json(SweepPlan::from_json(p.to_json()).to_json()), dae::dump_json(p.to_json()));
  // Flags replace what the plan says about a key: one value a setting, several an axis.
  SweepPlan q = p;
  q.set("seed", {Json(7)});
  q.set("fresh-noise", {Json(false), Json(true)});
  const auto r2 = dae::expand(q, dae::TrainConfig());
  ASSERT_EQ(r2.size(), 8u);
  EXPECT_EQ(r2[1].cfg.seed, 7u);
  EXPECT_TRUE(r2[1].cfg.fresh_noise);
  EXPECT_EQ(labels(r2)[1], "arch=seed noise=gaussian:0.3 lr=0.001 fresh_noise=true");
}

// `best` brings its own epochs, batch and lr; a value the plan gives wins, key by key.
TEST(SweepPlan, BestBringsItsTrainingSettingsUnlessGiven) {
  const SweepPlan p = plan_of(R"({"settings": {"epochs": 2}, "runs": [{"arch": "seed"}, {"arch": "best"}, {"arch": "best", "lr": 0.01}]})");
  const auto runs = dae::expand(p, dae::TrainConfig());
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].cfg.batch, 128);  // seed: the defaults
  EXPECT_DOUBLE_EQ(runs[0].cfg.lr, 0.001);
  const dae::PresetTraining& t = dae::Model::preset("best")->training;
  ASSERT_GT(t.epochs, 0);
  EXPECT_EQ(runs[1].cfg.epochs, 2);  // given in settings
  EXPECT_EQ(runs[1].cfg.batch, t.batch);
  EXPECT_DOUBLE_EQ(runs[1].cfg.lr, t.lr);
  EXPECT_NE(t.batch, 128);
  EXPECT_NE(t.lr, 0.001);
  EXPECT_DOUBLE_EQ(runs[2].cfg.lr, 0.01);
  EXPECT_EQ(runs[2].cfg.batch, t.batch);
  EXPECT_EQ(labels(runs)[1], "arch=best batch=16 lr=0.0015");
}

TEST(SweepPlan, LabelsNameLongValues) {
  const SweepPlan p = plan_of(R"({"axes": {"arch": ["seed", "conv8 pool | up conv1:sigmoid"], "lr": [0.001, 0.01]},
                                  "labels": {"conv8 pool | up conv1:sigmoid": "tiny", "0.01": "fast"}})");
  const auto runs = dae::expand(p, dae::TrainConfig());
  EXPECT_EQ(labels(runs), (std::vector<std::string>{"arch=seed lr=0.001", "arch=seed lr=fast", "arch=tiny lr=0.001",
                                                    "arch=tiny lr=fast"}));
  EXPECT_EQ(runs[2].cfg.arch, "conv8 pool | up conv1:sigmoid");  // names are for reading only
  EXPECT_EQ(SweepPlan::from_json(p.to_json()).labels, p.labels);
  EXPECT_ERROR_HAS(plan_of(R"({"labels": {"seed": 3}})"), "labels.seed must be a string");
  EXPECT_ERROR_HAS(plan_of(R"({"labels": ["seed"]})"), "labels must be an object of names");
}

TEST(SweepPlan, BadPlansNameTheProblem) {
  struct Case { std::string text, expect; };
  const Case cases[] = {
      {"[]", "a plan must be a JSON object, got an array"},
      {R"({"axis": {}})", "unknown plan key 'axis'"},
      {R"({"settings": {"epoch": 3}})", "unknown training setting 'epoch'"},
      {R"({"settings": {"threads": 2}})", "threads is not a setting of a run"},
      {R"({"settings": {"epochs": 0}})", "settings.epochs: epochs must be an integer in 1..10000, got 0"},
      {R"({"settings": {"epochs": "3"}})", "settings.epochs: epochs must be an integer"},
      {R"({"runs": [{}, {"lr": -1}]})", "runs[1].lr: learning rate (lr) must be a number in (0, 10]"},
      {R"({"runs": {"lr": 1}})", "runs must be an array of objects"},
      {R"({"axes": {"lr": []}})", "axes.lr must be a non-empty array"},
      {R"({"axes": {"lr": 0.001}})", "axes.lr must be a non-empty array"},
      {R"({"axes": {"noise": ["gaussian:0.3", "pink:0.2"]}})", "axes.noise[1]: "},
      {R"({"axes": {"lr": [0.1], "lr": [0.2]}})", "json: "},
      {R"({"eval_noise": ["gaussian:0.1", 3]})", "eval_noise[1] must be a string, got a number"},
      {R"({"eval_noise": ["gaussian:0.1", "pink"]})", "eval_noise[1]: "},
      {R"({"eval_noise": "gaussian:0.1"})", "eval_noise must be an array"},
      {"{\"name\": \"" + std::string(32000, 'n') + "\"}", "name is 32000 bytes long; at most 200"},
      {"{\"labels\": {\"0.1\": \"" + std::string(101, 'l') + "\"}}", "labels.0.1 is 101 bytes long; at most 100"},
      {R"({"axes": {"seed": [0,1,2,3,4,5,6,7,8,9], "batch": [1,2,3,4,5,6,7,8,9,10], "epochs": [1,2,3,4,5,6,7,8,9,10,11]}})",
       ""},  // parses; expansion refuses it below
  };
  for (const auto& c : cases) {
    if (c.expect.empty()) continue;
    SCOPED_TRACE(c.text);
    EXPECT_ERROR_HAS(plan_of(c.text), c.expect);
  }
  EXPECT_ERROR_HAS(dae::expand(plan_of(cases[std::size(cases) - 1].text), dae::TrainConfig()),
                   "the plan has 1100 runs, more than 1000");
  EXPECT_ERROR_HAS(dae::setting_value("lr", "fast"), "learning rate (lr) must be a number");
  EXPECT_EQ(dae::setting_value("lr", "1e-3"), Json(0.001));
  EXPECT_EQ(dae::setting_value("noise", "Gaussian: .5"), Json("gaussian:0.5"));
  EXPECT_EQ(dae::setting_value("fresh-noise", "true"), Json(true));
  EXPECT_EQ(dae::split_list("a,b c", "--x"), (std::vector<std::string>{"a", "b c"}));
  EXPECT_ERROR_HAS(dae::split_list("a,,b", "--x"), "--x: empty item");
}

TEST(SweepRun, IdentityFollowsWhatTheResultDependsOn) {
  const dae::Dataset ds = tiny_dataset();
  const std::string fp = dae::dataset_fingerprint(ds);
  auto resolve = [&](const std::string& plan, const dae::Dataset& d, const std::string& f) {
    const auto runs = dae::expand(plan_of(plan), dae::TrainConfig());
    return dae::resolve_run(runs.at(0), d, f);
  };
  const std::string base = R"({"settings": {"dataset": "tiny", "arch": "conv2 pool | up conv1:sigmoid")";
  const auto a = resolve(base + "}}", ds, fp);
  EXPECT_EQ(a.id.size(), 12u);
  EXPECT_EQ(a.id.find_first_not_of("0123456789abcdef"), std::string::npos);
  // Default sizes fitted to the data (40 train / 20 test), the architecture canonical.
  EXPECT_EQ(a.cfg.train, 40u);
  EXPECT_EQ(a.cfg.val, 20u);
  EXPECT_EQ(a.identity.at("train").get<int64_t>(), 40);
  EXPECT_EQ(a.identity.at("arch").get<std::string>(), "conv2 pool | up conv1:sigmoid");
  EXPECT_EQ(a.identity.at("data").get<std::string>(), fp);
  EXPECT_EQ(a.params, size_t(2 * 9 + 2 + 2 * 9 + 1));
  // Its work for estimates: 2 FLOP per multiply–accumulate, a training image ≈ 3 forwards.
  const dae::Model m = dae::Model::build("conv2 pool | up conv1:sigmoid", 1, 8, 8);
  EXPECT_EQ(a.macs, m.macs_per_image());
  EXPECT_GT(a.macs, 0);
  EXPECT_EQ(a.cfg.epochs, 10);  // the default
  EXPECT_DOUBLE_EQ(a.train_flops(), 2 * a.macs * 10 * (3 * 40 + 20));
  // Same run written differently (sizes given as what they resolve to): same id.
  EXPECT_EQ(resolve(base + R"(, "train": 40, "val": 0}})", ds, fp).id, a.id);
  // Threads do not change a result, so not the id either.
  {
    auto runs = dae::expand(plan_of(base + "}}"), dae::TrainConfig());
    runs[0].cfg.threads = 2;
    EXPECT_EQ(dae::resolve_run(runs[0], ds, fp).id, a.id);
  }
  // Anything else does: each setting, and the data.
  std::set<std::string> ids = {a.id};
  for (const char* more : {R"(, "seed": 1)", R"(, "lr": 0.002)", R"(, "batch": 16)", R"(, "noise": "sp:0.1")",
                           R"(, "loss": "mse")", R"(, "fresh_noise": true)", R"(, "train": 30)", R"(, "val": 10)",
                           R"(, "epochs": 2)"})
    EXPECT_TRUE(ids.insert(resolve(base + more + "}}", ds, fp).id).second) << more;
  dae::Dataset other = ds;
  other.train.pixels[3] ^= 1;
  EXPECT_TRUE(ids.insert(resolve(base + "}}", other, dae::dataset_fingerprint(other)).id).second);
  // An architecture that does not fit the images is an error at resolution, before training.
  EXPECT_ERROR_HAS(resolve(R"({"settings": {"arch": "conv2 pool"}})", ds, fp), "must have the input's shape");
  EXPECT_ERROR_HAS(resolve(R"({"settings": {"train": 41}})", ds, fp), "has only 40");
}

TEST(SweepRun, ResultsCountOnlyWhenCompleteAndTheirs) {
  const dae::Dataset ds = tiny_dataset();
  const auto planned = dae::expand(plan_of(R"({"settings": {"arch": "conv1:sigmoid", "epochs": 2}})"), dae::TrainConfig());
  const dae::ResolvedRun run = dae::resolve_run(planned[0], ds, dae::dataset_fingerprint(ds));
  dae::RunResult r;
  r.history = {{1, 0.5, 0.4, 12.5, 0.3, 0.1}, {2, 0.3, 0.25, 14.25, 0.5, 0.1}};
  r.noisy = {0.8, 9.5, 0.2};
  r.seconds = 1.5;
  const fs::path dir = fs::path(DAE_TEST_TMP_DIR) / "sweep_result";
  fs::create_directories(dir);
  const std::string path = (dir / "result.json").string();
  const std::string text = dae::dump_json(dae::result_json(run, r), 2);
  dae::write_file(path, text);
  const auto back = dae::read_result(path, run);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->history.size(), 2u);
  EXPECT_EQ(back->last().val_psnr, 14.25);
  EXPECT_EQ(back->noisy.psnr, 9.5);
  EXPECT_EQ(back->seconds, 1.5);
  // Half-written, missing, another run's, or stopped before its last epoch: not finished.
  dae::write_file(path, text.substr(0, text.size() / 2));
  EXPECT_FALSE(dae::read_result(path, run));
  fs::remove(path);
  EXPECT_FALSE(dae::read_result(path, run));
  dae::ResolvedRun other = run;
  other.id = "000000000000";
  dae::write_file(path, text);
  EXPECT_FALSE(dae::read_result(path, other));
  other = run;
  other.identity["seed"] = 5;
  EXPECT_FALSE(dae::read_result(path, other));
  r.history.pop_back();
  dae::write_file(path, dae::dump_json(dae::result_json(run, r)));
  EXPECT_FALSE(dae::read_result(path, run));
  fs::remove_all(dir);
}

TEST(SweepRun, TablesQuoteAndFiguresFollowTheRuns) {
  EXPECT_EQ(dae::csv_field("plain"), "plain");
  EXPECT_EQ(dae::csv_field("conv32,pool"), "\"conv32,pool\"");
  EXPECT_EQ(dae::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(dae::csv_field("two\nlines\x1b[2J"), "two\\nlines\\x1b[2J");  // no raw control characters
  const dae::Dataset ds = tiny_dataset();
  const SweepPlan plan = plan_of(R"({"settings": {"dataset": "tiny", "arch": "conv1:sigmoid", "epochs": 2},
                                     "axes": {"lr": [0.001, 0.01], "seed": [0, 1]}})");
  const auto planned = dae::expand(plan, dae::TrainConfig());
  std::vector<dae::ResolvedRun> runs;
  std::vector<std::optional<dae::RunResult>> results;
  for (size_t i = 0; i < planned.size(); ++i) {
    runs.push_back(dae::resolve_run(planned[i], ds, dae::dataset_fingerprint(ds)));
    dae::RunResult r;
    r.history = {{1, 0.5, 0.4, 10.0 + double(i), 0.3, 0.1}, {2, 0.3, 0.25, 20.0 + double(i), 0.5, 0.1}};
    r.noisy = {0.8, 9.5, 0.2};
    if (i != 3) results.emplace_back(r);  // the last run unfinished
    else results.emplace_back();
  }
  const std::string csv = dae::runs_csv(runs, results);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);  // header + 3 finished runs
  // The page's columns (train/runs_table.h); what a sweep does not know is empty.
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "run,dataset,arch,arch_name,label,params,input,noise,loss,epochs,batch,lr,train,val,fresh_noise,seed,"
            "threads,state,epochs_done,final_train_loss,final_val_loss,final_val_psnr,final_val_ssim,noisy_val_loss,"
            "noisy_val_psnr,noisy_val_ssim,improved,collapsed,compute_seconds,wall_seconds,notes");
  const std::string input = std::to_string(runs[2].h) + "x" + std::to_string(runs[2].w);
  EXPECT_NE(csv.find("\n" + runs[2].id + ",tiny,conv1:sigmoid,custom,lr=0.01 seed=0,10," + input +
                     ",gaussian:0.5,bce,2,128,0.01,40,20,false,0,,finished,2,0.3,0.25,22,0.5,0.8,9.5,0.2,,,,0.00,\n"),
            std::string::npos)
      << csv;
  const auto figs = dae::sweep_figures(plan, runs, results, {});
  ASSERT_EQ(figs.size(), 2u);  // loss.png, psnr_vs_lr.png (no figure against the seed)
  EXPECT_EQ(figs[0].first, "loss.png");
  EXPECT_EQ(figs[0].second.series.size(), 6u);  // validation + training loss of 3 runs
  EXPECT_TRUE(figs[0].second.series[1].dashed);
  EXPECT_EQ(figs[1].first, "psnr_vs_lr.png");
  const dae::PlotSpec& p = figs[1].second;
  EXPECT_TRUE(p.log_x);
  ASSERT_EQ(p.series.size(), 2u);  // the mean over seeds, and each seed's point
  EXPECT_EQ(p.series[0].x, (std::vector<double>{0.001, 0.01}));
  EXPECT_EQ(p.series[0].y, (std::vector<double>{20.5, 22.0}));  // lr 0.01: only seed 0 finished
  EXPECT_EQ(p.series[1].y, (std::vector<double>{20, 21, 22}));
  EXPECT_FALSE(p.series[1].line);
}

// A sweep along one setting without seeds: its PSNR figure is the page's sweep chart, made by
// the same code (study/figures.h sweep_plot) from the same numbers, with the plan's title.
TEST(SweepRun, OneLineFigureIsThePagesSweepChart) {
  const dae::Dataset ds = tiny_dataset();
  const SweepPlan plan = plan_of(R"({"settings": {"dataset": "tiny", "arch": "conv1:sigmoid"},
                                     "axes": {"epochs": [2, 1]}})");
  const auto planned = dae::expand(plan, dae::TrainConfig());
  std::vector<dae::ResolvedRun> runs;
  std::vector<std::optional<dae::RunResult>> results;
  for (size_t i = 0; i < planned.size(); ++i) {
    runs.push_back(dae::resolve_run(planned[i], ds, dae::dataset_fingerprint(ds)));
    dae::RunResult r;
    r.history = {{1, 0.5, 0.4, 12.0 + double(i), 0.3, 0.1}};
    r.noisy = {0.8, 9.5, 0.2};
    results.emplace_back(r);
  }
  const auto figs = dae::sweep_figures(plan, runs, results, {});
  ASSERT_EQ(figs.size(), 2u);
  const dae::PlotSpec& cli = figs[1].second;
  const dae::PlotSpec page = dae::sweep_plot("epochs", {{"2", 2, 12.0, NAN}, {"1", 1, 13.0, NAN}}, false, false);
  EXPECT_EQ(cli.title, "final validation PSNR against epochs");
  ASSERT_EQ(cli.series.size(), 1u);  // the noisy input only when the noise varies
  ASSERT_EQ(page.series.size(), 1u);
  EXPECT_EQ(cli.series[0].x, page.series[0].x);
  EXPECT_EQ(cli.series[0].y, page.series[0].y);
  EXPECT_EQ(cli.series[0].label, page.series[0].label);
  EXPECT_EQ(cli.series[0].color, page.series[0].color);
  EXPECT_EQ(cli.integer_x, page.integer_x);
  EXPECT_TRUE(cli.integer_x);  // epochs: ticks on whole numbers
}

// The cross-noise figure: one line per model, told apart beyond the palette's hues, none in the
// noisy input's gray.
TEST(SweepRun, CrossNoiseFigureKeepsElevenModelsApart) {
  const dae::Dataset ds = tiny_dataset();
  const SweepPlan plan = plan_of(R"({"settings": {"dataset": "tiny", "arch": "conv1:sigmoid", "epochs": 1},
                                     "axes": {"seed": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}})");
  const auto planned = dae::expand(plan, dae::TrainConfig());
  ASSERT_EQ(planned.size(), 11u);
  std::vector<dae::ResolvedRun> runs;
  std::vector<std::optional<dae::RunResult>> results;
  std::vector<dae::CrossEval> evals;
  for (size_t i = 0; i < planned.size(); ++i) {
    runs.push_back(dae::resolve_run(planned[i], ds, dae::dataset_fingerprint(ds)));
    dae::RunResult r;
    r.history = {{1, 0.5, 0.4, 10.0 + double(i), 0.3, 0.1}};
    r.noisy = {0.8, 9.5, 0.2};
    results.emplace_back(r);
    for (float amount : {0.1f, 0.5f}) {
      dae::CrossEval e;
      e.run = i;
      e.noise = dae::Noise::parse("gaussian:" + std::to_string(amount));
      e.result.psnr = 15 + double(i) - 5 * amount;
      e.result.noisy.psnr = 20 - 20 * amount;
      evals.push_back(e);
    }
  }
  const auto figs = dae::sweep_figures(plan, runs, results, evals);
  const auto fig = std::find_if(figs.begin(), figs.end(), [](const auto& f) { return f.first == "cross_noise_gaussian.png"; });
  ASSERT_NE(fig, figs.end());
  const auto& series = fig->second.series;
  ASSERT_EQ(series.size(), 12u);  // 11 models and the noisy input
  EXPECT_EQ(series.back().label, "noisy input");
  EXPECT_EQ(series.back().color, 7);
  EXPECT_TRUE(series.back().dashed);
  std::set<std::pair<int, bool>> styles;
  for (size_t i = 0; i + 1 < series.size(); ++i) {
    EXPECT_NE(series[i].color, 7) << series[i].label;
    styles.insert({series[i].color, series[i].dashed});
  }
  EXPECT_EQ(styles.size(), 11u);
}

// The study's plans (docs/study) are valid: they parse, expand to the runs their README
// counts, and every architecture in them builds for both datasets' image sizes.
TEST(StudyPlans, ParseExpandAndBuild) {
  const std::map<std::string, size_t> runs = {{"depth", 12}, {"width", 6}, {"decoder", 12},
                                              {"noise", 16}, {"training", 18}, {"loss", 8}};
  for (const auto& [name, count] : runs) {
    SCOPED_TRACE(name);
    const SweepPlan p = plan_of(text_of(fs::path(DAE_TEST_STUDY_DIR) / (name + ".json")));
    EXPECT_EQ(p.name, name);
    const auto planned = dae::expand(p, dae::TrainConfig());
    EXPECT_EQ(planned.size(), count);
    for (const auto& r : planned) {
      EXPECT_EQ(r.cfg.train, 4000u);
      EXPECT_EQ(r.cfg.val, 1000u);
      const int side = dae::canonical_dataset_name(r.cfg.dataset) == "dhcd" ? 32 : 28;
      EXPECT_NO_THROW(dae::Model::build(r.cfg.arch, 1, side, side)) << r.cfg.arch;
    }
    if (name == "noise") EXPECT_EQ(p.eval_noise.size(), 8u);
  }
}

#ifdef DAE_CLI_PATH
// ---- the command --------------------------------------------------------------------------------

namespace {

using dae_test::run_dae;

fs::path sweep_dir(const std::string& name) {
  const fs::path d = fs::path(DAE_TEST_TMP_DIR) / "sweep" / name;
  fs::remove_all(d);
  fs::create_directories(d.parent_path());
  return d;
}

// CSV rows (without the header) split into fields; the files written here never quote.
std::vector<std::vector<std::string>> csv_rows(const fs::path& p) {
  std::vector<std::vector<std::string>> rows;
  const std::string t = text_of(p);
  size_t b = t.find('\n') + 1;
  while (b < t.size()) {
    const size_t e = t.find('\n', b);
    std::vector<std::string> f(1);
    for (char c : t.substr(b, e - b)) {
      if (c == ',') f.emplace_back();
      else f.back() += c;
    }
    rows.push_back(f);
    b = e + 1;
  }
  return rows;
}

// Columns of runs.csv (train/runs_table.h).
constexpr size_t kColumns = 31, kLabelColumn = 4, kValColumn = 13, kFinalValLossColumn = 20, kFinalValPsnrColumn = 21;

const std::string kTiny =
    "sweep --dataset mnist --arch 'conv4 pool | up conv1:sigmoid' --epochs 1 --train 64 --val 32 --batch 16 --threads 2 ";

}  // namespace

TEST(SweepCli, TwoByTwoWritesEverythingThenResumesAndExtends) {
  const fs::path out = sweep_dir("grid");
  const std::string cmd = kTiny + "--lr 1e-3,3e-3 --noise gaussian:0.3,sp:0.1 --eval-noise gaussian:0.2,gaussian:0.5,sp:0.2 --out " +
                          out.string();
  const auto r = run_dae(cmd);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("4 runs (0 finished, 4 to train)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[4/4] run "), std::string::npos);
  const auto rows = csv_rows(out / "runs.csv");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0][kLabelColumn], "noise=gaussian:0.3 lr=0.001");  // the first axis (noise) outermost
  EXPECT_EQ(rows[1][kLabelColumn], "noise=gaussian:0.3 lr=0.003");
  EXPECT_EQ(rows[3][kLabelColumn], "noise=sp:0.1 lr=0.003");
  std::set<std::string> ids;
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), kColumns);
    ids.insert(row[0]);
    const fs::path d = out / "runs" / row[0];
    for (const char* f : {"model.safetensors", "history.csv", "grid.png", "result.json", "cross_noise.json"})
      EXPECT_TRUE(fs::is_regular_file(d / f)) << d / f;
    // The row's final val_loss is the run's last epoch, and what `dae eval` says of its model.
    const Json res = dae::parse_json(text_of(d / "result.json"));
    EXPECT_EQ(res.at("history").size(), 1u);
    EXPECT_NEAR(std::stod(row[kFinalValLossColumn]), res.at("val_loss").get<double>(), 1e-8);
    const auto ev = run_dae("eval --json --model " + (d / "model.safetensors").string());
    ASSERT_EQ(ev.code, 0) << ev.out;
    const Json e = dae::parse_json(ev.out);
    EXPECT_EQ(e.at("val_loss").get<double>(), res.at("val_loss").get<double>());
    EXPECT_EQ(e.at("noisy_psnr").get<double>(), res.at("noisy_psnr").get<double>());
    EXPECT_EQ(std::stod(row[kValColumn]), 32);  // val images
  }
  EXPECT_EQ(ids.size(), 4u);
  for (const char* f : {"loss.png", "psnr_vs_lr.png", "psnr_vs_noise.png", "cross_noise_gaussian.png", "cross_noise_sp.png"}) {
    int h = 0, w = 0;
    const auto px = dae::read_gray_png((out / "figures" / f).string(), h, w, 4096);
    EXPECT_GE(w, 960) << f;
    EXPECT_GE(h, 540) << f;
  }

  // Again: nothing to train, the same table, the models untouched.
  const std::string csv = text_of(out / "runs.csv");
  const auto model_time = fs::last_write_time(out / "runs" / rows[0][0] / "model.safetensors");
  const auto again = run_dae(cmd);
  ASSERT_EQ(again.code, 0) << again.out;
  EXPECT_NE(again.out.find("4 runs (4 finished, 0 to train)"), std::string::npos) << again.out;
  EXPECT_EQ(again.out.find("] run "), std::string::npos) << again.out;
  EXPECT_EQ(text_of(out / "runs.csv"), csv);
  EXPECT_EQ(fs::last_write_time(out / "runs" / rows[0][0] / "model.safetensors"), model_time);

  // A third learning rate: only its two runs are trained.
  const auto more = run_dae(kTiny + "--lr 1e-3,3e-3,1e-2 --noise gaussian:0.3,sp:0.1 --out " + out.string());
  ASSERT_EQ(more.code, 0) << more.out;
  EXPECT_NE(more.out.find("6 runs (4 finished, 2 to train)"), std::string::npos) << more.out;
  EXPECT_NE(more.out.find("[2/2] run "), std::string::npos);
  EXPECT_EQ(more.out.find("[3/"), std::string::npos);
  EXPECT_EQ(csv_rows(out / "runs.csv").size(), 6u);

  // A run whose result.json is half-written, and one whose model is gone, are trained again.
  const fs::path res = out / "runs" / rows[1][0] / "result.json";
  const std::string full = text_of(res);
  dae::write_file(res.string(), full.substr(0, full.size() / 2));
  fs::remove(out / "runs" / rows[2][0] / "model.safetensors");
  const auto fix = run_dae(kTiny + "--lr 1e-3,3e-3,1e-2 --noise gaussian:0.3,sp:0.1 --quiet --out " + out.string());
  ASSERT_EQ(fix.code, 0) << fix.out;
  EXPECT_NE(fix.out.find("6 runs (4 finished, 2 to train)"), std::string::npos) << fix.out;
  EXPECT_NE(fix.out.find("[1/2] run " + rows[1][0]), std::string::npos) << fix.out;
  EXPECT_NE(fix.out.find("[2/2] run " + rows[2][0]), std::string::npos) << fix.out;
  // The same run trained again: the same numbers (only the times differ).
  const Json before = dae::parse_json(full), after = dae::parse_json(text_of(res));
  EXPECT_EQ(after.at("val_loss").get<double>(), before.at("val_loss").get<double>());
  EXPECT_EQ(after.at("history").at(0).at("train_loss").get<double>(), before.at("history").at(0).at("train_loss").get<double>());
}

TEST(SweepCli, CrossNoiseTableEqualsDaeEval) {
  const fs::path out = sweep_dir("cross");
  const auto r = run_dae(kTiny + "--noise gaussian:0.3,gaussian:0.6 --eval-noise gaussian:0.1,gaussian:0.3,sp:0.05 --out " +
                         out.string());
  ASSERT_EQ(r.code, 0) << r.out;
  // Shape: 2 models × 3 test noises, in plan order.
  const auto rows = csv_rows(out / "cross_noise.csv");
  ASSERT_EQ(rows.size(), 6u);
  const std::string header = "id,label,train_noise,test_noise,images,val_loss,val_psnr,val_ssim,noisy_loss,noisy_psnr,noisy_ssim\n";
  EXPECT_EQ(text_of(out / "cross_noise.csv").substr(0, header.size()), header);
  const char* tests[] = {"gaussian:0.1", "gaussian:0.3", "sp:0.05"};
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    ASSERT_EQ(row.size(), 11u);
    EXPECT_EQ(row[2], i < 3 ? "gaussian:0.3" : "gaussian:0.6");
    EXPECT_EQ(row[3], tests[i % 3]);
    EXPECT_EQ(row[4], "32");
    const fs::path model = out / "runs" / row[0] / "model.safetensors";
    const auto ev = run_dae("eval --json --model " + model.string() + " --noise " + row[3]);
    ASSERT_EQ(ev.code, 0) << ev.out;
    const Json e = dae::parse_json(ev.out);
    // The cached numbers are exactly eval's; the CSV has them to 9 significant digits.
    const Json cache = dae::parse_json(text_of(out / "runs" / row[0] / "cross_noise.json")).at(row[3]);
    for (const char* k : {"val_loss", "val_psnr", "val_ssim", "noisy_loss", "noisy_psnr", "noisy_ssim"})
      EXPECT_EQ(cache.at(k).get<double>(), e.at(k).get<double>()) << k << " " << row[3];
    EXPECT_NEAR(std::stod(row[6]), e.at("val_psnr").get<double>(), 1e-6);
    EXPECT_NEAR(std::stod(row[9]), e.at("noisy_psnr").get<double>(), 1e-6);
  }
  // The model trained on gaussian:0.3 scores on gaussian:0.3 exactly as its own validation did.
  EXPECT_EQ(rows[1][6], csv_rows(out / "runs.csv")[0][kFinalValPsnrColumn]);
  // The printed table: a noisy-input row and one row per model with three numbers.
  EXPECT_NE(r.out.find("noisy input (mnist)"), std::string::npos) << r.out;
}

TEST(SweepCli, BadPlansAreOneLineErrorsAndChangeNothing) {
  const fs::path out = sweep_dir("bad");
  const auto ok = run_dae(kTiny + "--out " + out.string());
  ASSERT_EQ(ok.code, 0) << ok.out;
  const std::string csv = text_of(out / "runs.csv");
  const fs::path plan = out.parent_path() / "bad_plan.json";
  struct Case { std::string plan_text, args, expect; };
  const Case cases[] = {
      {R"({"axes": {"lr": [0.001, 0]}})", "", "plan " + plan.string() + ": axes.lr[1]: learning rate (lr) must be"},
      {R"({"axis": {"lr": [0.001]}})", "", "unknown plan key 'axis'"},
      {R"({"settings": {"lr": 0.001,}})", "", "json: "},
      {"", "--lr 1e-3,0", "--lr: learning rate (lr) must be"},
      {"", "--lr 1e-3,,2e-3", "--lr: empty item"},
      {"", "--arch conv4,pool", "run 1 (arch=conv4"},
      {"", "--eval-noise pink:1", "noise"},
      {"", "--threads 0", "--threads must be an integer between 1 and 256"},
  };
  for (const auto& c : cases) {
    std::string args = kTiny + c.args + " --out " + out.string();
    if (!c.plan_text.empty()) {
      dae::write_file(plan.string(), c.plan_text);
      args += " --plan " + plan.string();
    }
    const auto r = run_dae(args);
    EXPECT_EQ(r.code, 1) << args << "\n" << r.out;
    EXPECT_EQ(r.out.rfind("dae: error: ", 0), 0u) << r.out;
    EXPECT_EQ(dae_test::lines(r.out), 1) << r.out;
    EXPECT_NE(r.out.find(c.expect), std::string::npos) << r.out;
    EXPECT_EQ(text_of(out / "runs.csv"), csv);
  }
  // An output folder that is a file: refused before anything trains.
  dae::write_file((out.parent_path() / "a_file").string(), "x");
  const auto f = run_dae(kTiny + "--out " + (out.parent_path() / "a_file").string());
  EXPECT_EQ(f.code, 1);
  EXPECT_NE(f.out.find("cannot create the folder"), std::string::npos) << f.out;
  EXPECT_EQ(f.out.find("] run "), std::string::npos) << f.out;
  // --help like every command.
  const auto h = run_dae("sweep --help");
  EXPECT_EQ(h.code, 0);
  EXPECT_NE(h.out.find("usage: dae sweep"), std::string::npos);
  EXPECT_NE(h.out.find("--eval-noise"), std::string::npos);
}

// Ctrl-C stops the sweep at the next batch: the run in progress leaves no result.json (so it
// does not count as finished): the same command lists it as still to train.
TEST(SweepCli, InterruptedRunIsNotFinished) {
  const fs::path out = sweep_dir("interrupted");
  const std::string cmd = "sweep --dataset mnist --arch seed --epochs 3 --train 3000 --val 100 --batch 32 --threads 1 "
                          "--no-figures --out " + out.string();
  // --foreground: one SIGINT to dae only. Without it timeout also signals its process group, so
  // dae could get a second SIGINT after handling the first, which means "leave now" (exit 130
  // without the message): that made this test fail now and then under load.
  const auto r = run_dae(cmd, "timeout --foreground --preserve-status -s INT 1");
  ASSERT_EQ(r.code, 130) << r.out;
  EXPECT_NE(r.out.find("cancelled: run "), std::string::npos) << r.out;
  const std::string id = r.out.substr(r.out.find("[1/1] run ") + 10, 12);
  EXPECT_FALSE(fs::exists(out / "runs" / id / "result.json"));
  const auto d = run_dae(cmd + " --dry-run");
  EXPECT_NE(d.out.find("1 run (0 finished, 1 to train)"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find(id + "  to train"), std::string::npos) << d.out;
}

namespace {
// The id of run `n` (1-based) in the listing of `dae sweep --dry-run` (" 1   <id>  to train").
std::string listed_id(const std::string& out, int n) {
  const std::string key = "\n " + std::to_string(n) + std::string(n < 10 ? 3 : 2, ' ');
  const size_t at = out.find(key);
  return at == std::string::npos ? "" : out.substr(at + key.size(), 12);
}
}  // namespace

// A shared or unpacked sweep folder could hold links with the predictable names of runs: dae
// refuses them before any work and writes nothing outside the folder.
TEST(SweepCli, LinksInTheFolderAreRefusedAndNothingOutsideIsWritten) {
  const fs::path out = sweep_dir("links"), outside = sweep_dir("links_outside");
  fs::create_directories(outside);
  const std::string cmd = kTiny + "--seed 0,1 --no-figures --quiet --out " + out.string();
  const auto d = run_dae(cmd + " --dry-run");
  const std::string id = listed_id(d.out, 1);
  ASSERT_EQ(id.size(), 12u) << d.out;
  fs::create_directories(out / "runs");
  fs::create_directory_symlink(outside, out / "runs" / id);
  auto r = run_dae(cmd);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(dae_test::lines(r.out), 1) << r.out;
  EXPECT_NE(r.out.find((out / "runs" / id).string() + " is a symbolic link"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::is_empty(outside)) << "dae wrote through runs/<id>";
  fs::remove(out / "runs" / id);

  dae::write_file((outside / "precious.csv").string(), std::string("mine\n"));
  fs::create_symlink(outside / "precious.csv", out / "runs.csv");
  r = run_dae(cmd);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("runs.csv is a symbolic link"), std::string::npos) << r.out;
  EXPECT_EQ(text_of(outside / "precious.csv"), "mine\n");
  fs::remove(out / "runs.csv");

  // A finished sweep whose history.csv became a link: refused, the file outside unchanged.
  r = run_dae(cmd);
  ASSERT_EQ(r.code, 0) << r.out;
  fs::remove(out / "runs" / id / "history.csv");
  fs::create_symlink(outside / "precious.csv", out / "runs" / id / "history.csv");
  r = run_dae(cmd);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("history.csv is a symbolic link"), std::string::npos) << r.out;
  EXPECT_EQ(text_of(outside / "precious.csv"), "mine\n");
}

// A run is finished only when its files are whole and its own: another run's model, a cut
// model file and another run's cross-noise cache are not taken for this run's.
TEST(SweepCli, RunFilesCountOnlyWhenWholeAndTheRunsOwn) {
  const fs::path out = sweep_dir("own");
  const std::string cmd = kTiny + "--seed 0,1,2 --eval-noise gaussian:0.5 --no-figures --quiet --out " + out.string();
  auto r = run_dae(cmd);
  ASSERT_EQ(r.code, 0) << r.out;
  const auto rows = csv_rows(out / "runs.csv");
  ASSERT_EQ(rows.size(), 3u);
  const fs::path a = out / "runs" / rows[0][0], b = out / "runs" / rows[1][0], c = out / "runs" / rows[2][0];
  fs::copy_file(a / "model.safetensors", b / "model.safetensors", fs::copy_options::overwrite_existing);
  fs::copy_file(a / "cross_noise.json", c / "cross_noise.json", fs::copy_options::overwrite_existing);
  const std::string model = text_of(a / "model.safetensors");
  dae::write_file((a / "model.safetensors").string(), model.substr(0, model.size() / 2));
  const auto d = run_dae(cmd + " --dry-run");
  EXPECT_NE(d.out.find("3 runs (1 finished, 2 to train)"), std::string::npos) << d.out;
  r = run_dae(cmd);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("[1/2] run " + rows[0][0]), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[2/2] run " + rows[1][0]), std::string::npos) << r.out;
  for (const auto& row : rows) {
    const dae::SafeTensors st = dae::load_safetensors((out / "runs" / row[0] / "model.safetensors").string());
    EXPECT_EQ(st.metadata.at("sweep_run"), row[0]);
  }
  // Run c's cross-noise row is its own model's, as dae eval says (not run a's numbers).
  const auto cross = csv_rows(out / "cross_noise.csv");
  ASSERT_EQ(cross.size(), 3u);
  const auto ev = run_dae("eval --json --noise gaussian:0.5 --model " + (c / "model.safetensors").string());
  ASSERT_EQ(ev.code, 0) << ev.out;
  EXPECT_EQ(cross[2][0], rows[2][0]);
  EXPECT_NEAR(std::stod(cross[2][6]), dae::parse_json(ev.out).at("val_psnr").get<double>(), 1e-6);
  EXPECT_NE(cross[2][6], cross[0][6]);
  EXPECT_EQ(dae::parse_json(text_of(c / "cross_noise.json")).at("run").get<std::string>(), rows[2][0]);
}

// Whatever is in the way of a run's files is found before the first run trains; a second sweep
// on a folder in use refuses; a read-only table is not replaced.
TEST(SweepCli, ObstaclesAndASecondSweepAreFoundBeforeTraining) {
  const fs::path out = sweep_dir("obstacles");
  const std::string cmd = kTiny + "--seed 0,1 --no-figures --quiet --out " + out.string();
  const auto d = run_dae(cmd + " --dry-run");
  const std::string id1 = listed_id(d.out, 1), id2 = listed_id(d.out, 2);
  ASSERT_EQ(id2.size(), 12u) << d.out;
  fs::create_directories(out / "runs" / id2 / "model.safetensors");  // a folder where the model goes
  auto r = run_dae(cmd);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(dae_test::lines(r.out), 3) << r.out;  // the dataset, the sweep's size, the error
  EXPECT_NE(r.out.find("run " + id2 + " cannot be saved: cannot write"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("it is a folder, not a regular file (nothing was trained)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("] run "), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out / "runs" / id1));
  fs::remove_all(out / "runs" / id2);
  dae::write_file((out / "runs" / id2).string(), std::string("x"));  // a file where the run's folder goes
  r = run_dae(cmd);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("is in the way: it should be the run's folder"), std::string::npos) << r.out;
  fs::remove(out / "runs" / id2);
  dae::write_file((out / "runs.csv").string(), std::string("my notes\n"));
  ASSERT_EQ(chmod((out / "runs.csv").c_str(), 0444), 0);
  r = run_dae(cmd);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("runs.csv: it is read-only"), std::string::npos) << r.out;
  EXPECT_EQ(text_of(out / "runs.csv"), "my notes\n");
  ASSERT_EQ(chmod((out / "runs.csv").c_str(), 0644), 0);

  // Another sweep holds the folder's lock.
  const int fd = ::open((out / ".lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  ASSERT_EQ(::ftruncate(fd, 0), 0);
  ASSERT_EQ(::pwrite(fd, "4242", 4, 0), 4);
  r = run_dae(cmd);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("another dae sweep is working in " + out.string() + " (process 4242)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("] run "), std::string::npos) << r.out;
  ::close(fd);
  r = run_dae(cmd);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("2 runs (0 finished, 2 to train)"), std::string::npos) << r.out;
}

// Labels reach the terminal escaped and cut between characters.
TEST(SweepCli, LabelsAreSafeOnATerminal) {
  const fs::path out = sweep_dir("labels");
  const fs::path plan = out.parent_path() / "labels_plan.json";
  std::string name;
  for (int i = 0; i < 49; ++i) name += "\u00e9";  // é, two bytes each: 98 bytes
  dae::write_file(plan.string(), "{\"settings\": {\"dataset\": \"mnist\", \"arch\": \"conv1:sigmoid\", \"train\": 32, "
                                 "\"val\": 16}, \"axes\": {\"seed\": [0, 1]}, \"labels\": {\"0\": \"" + name +
                                 "\", \"1\": \"gpj.\\u202eexe\"}}");
  const auto d = run_dae("sweep --dry-run --plan " + plan.string() + " --out " + out.string());
  ASSERT_EQ(d.code, 0) << d.out;
  EXPECT_TRUE(dae::valid_utf8(d.out)) << "a label was cut inside a character";
  EXPECT_EQ(d.out.find("\u202e"), std::string::npos) << "a raw right-to-left override reached the terminal";
  EXPECT_NE(d.out.find("seed=gpj.\\u202eexe"), std::string::npos) << d.out;
}

TEST(SweepCli, PlanFileDryRunListsRunsWithoutTraining) {
  const fs::path out = sweep_dir("plan");
  const fs::path plan = out.parent_path() / "plan.json";
  dae::write_file(plan.string(), R"({"name": "tiny study", "settings": {"dataset": "mnist", "arch": "conv1:sigmoid",
      "epochs": 1, "train": 32, "val": 16}, "runs": [{"loss": "bce"}, {"loss": "mse", "lr": 0.01}],
      "axes": {"seed": [0, 1]}})");
  const auto d = run_dae("sweep --dry-run --plan " + plan.string() + " --out " + out.string());
  ASSERT_EQ(d.code, 0) << d.out;
  EXPECT_NE(d.out.find("sweep tiny study: 4 runs (0 finished, 4 to train)"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("loss=mse lr=0.01 seed=1"), std::string::npos) << d.out;
  EXPECT_FALSE(fs::exists(out / "runs.csv"));
  // A flag overrides the plan's setting for every run.
  const auto o = run_dae("sweep --dry-run --plan " + plan.string() + " --epochs 2 --out " + out.string());
  EXPECT_NE(o.out.find("2 epochs"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("work to do: "), std::string::npos) << o.out;
  // The same run twice in a plan is run once.
  const auto dup = run_dae("sweep --dry-run --plan " + plan.string() + " --seed 3,3 --out " + out.string());
  EXPECT_NE(dup.out.find("2 runs (0 finished, 2 to train), 2 duplicates left out"), std::string::npos) << dup.out;
}
#endif
