// "Hand it in": the code view (train/code_export.h, dae code) checked by running the code it
// writes — the Keras program under a stand-in for tensorflow.keras that counts parameters the
// Keras way (tests/keras_standin.py), the PyTorch program under real PyTorch next to a model
// trained by dae — and the notebook (study/notebook.h, dae notebook) validated, executed and
// rendered by Jupyter's own tools. Native only: these run the CLI and /usr/bin/python3.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "formats/io.h"
#include "formats/json.h"
#include "nn/model.h"
#include "train/code_export.h"
#include "test_util.h"

#ifdef DAE_CLI_PATH
namespace fs = std::filesystem;
using namespace dae;
using dae_test::run_dae;

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::path(DAE_TEST_TMP_DIR) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// Runs `args` with /usr/bin/python3 in `dir`; returns its stdout, and its stderr too when it fails.
std::string python_in(const fs::path& dir, const std::string& args, int* code) {
  const std::string cmd = "cd '" + dir.string() + "' && PYDEVD_DISABLE_FILE_VALIDATION=1 /usr/bin/python3 " + args +
                          " > py_out.txt 2> py_err.txt";
  *code = std::system(cmd.c_str());
  return slurp(dir / "py_out.txt") + (*code ? slurp(dir / "py_err.txt") : "");
}

std::string standin_path() { return (fs::path(DAE_TEST_SOURCE_DATA_DIR) / ".." / "keras_standin.py").string(); }

// The Keras layers expected for `m`, independently of the generator: each layer's Keras class
// and output shape (H, W, C), with a ReLU or Sigmoid that follows a Conv2D, Conv2DTranspose or
// Dense (inside the encoder or the decoder) folded into it as its activation.
struct Expected {
  std::string cls, act;
  std::vector<int64_t> out;
  size_t params;
};
std::vector<Expected> expected_layers(const Model& m) {
  std::vector<Expected> e;
  const auto& L = m.layers();
  for (size_t i = 0; i < L.size(); ++i) {
    const std::string type = L[i].layer->type();
    const Shape o = L[i].out;
    const std::vector<int64_t> out = o.h == 1 && o.w == 1 ? std::vector<int64_t>{o.c} : std::vector<int64_t>{o.h, o.w, o.c};
    const bool takes = !e.empty() && (e.back().cls == "Conv2D" || e.back().cls == "Conv2DTranspose" || e.back().cls == "Dense");
    if ((type == "ReLU" || type == "Sigmoid") && takes && e.back().act.empty() && int(i) != m.encoder_layers()) {
      e.back().act = type == "ReLU" ? "relu" : "sigmoid";
      continue;
    }
    e.push_back({type == "Sigmoid" ? "Activation" : type, "", out, L[i].num_params});
  }
  return e;
}

}  // namespace

// The Keras code of seed, deep, dense and a spec with Conv2DTranspose and LeakyReLU, run under
// the stand-in on data written by `dae export`, builds the model's layers with its parameter
// count (74,497 for seed, as the worksheet's Keras prints) and compiles and fits with the run's
// settings.
TEST(CodeView, KerasCodeBuildsTheModelsLayers) {
  if (!dae_test::python_has("numpy")) GTEST_SKIP() << "numpy not installed";
  const fs::path dir = fresh_dir("handin_keras");
  const auto ex = run_dae("export --train 24 --val 8 --out '" + (dir / "data").string() + "'");
  ASSERT_EQ(ex.code, 0) << ex.out;
  TrainConfig cfg;
  cfg.epochs = 7, cfg.batch = 32, cfg.lr = 0.003, cfg.loss = LossKind::MSE;
  for (const char* spec : {"seed", "deep", "dense", "conv16:lrelu:0.1 pool conv8 pool | convt8k5:lrelu convt4 lrelu:0.2 conv1:sigmoid"}) {
    SCOPED_TRACE(spec);
    const Model m = Model::build(spec, 1, 28, 28);
    write_file((dir / "k.py").string(), keras_code(m, cfg));
    int code = 0;
    const std::string out = python_in(dir, standin_path() + " k.py", &code);
    ASSERT_EQ(code, 0) << out;
    const Json r = parse_json(out);
    EXPECT_EQ(r["model"]["params"].get<size_t>(), m.num_params());
    EXPECT_EQ(r["model"]["output"], Json::array({28, 28, 1}));
    if (std::string(spec) == "seed") EXPECT_EQ(r["model"]["params"].get<size_t>(), 74497u);
    // The layer list: a Cropping2D belongs to the Conv2DTranspose before it (Keras' 'valid' output cut to ours).
    std::vector<Json> got;
    for (const Json& l : r["layers"]) {
      if (l["class"] == "Cropping2D") got.back()["output"] = l["output"];
      else got.push_back(l);
    }
    const std::vector<Expected> want = expected_layers(m);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      SCOPED_TRACE(i);
      EXPECT_EQ(got[i]["class"].get<std::string>(), want[i].cls);
      EXPECT_EQ(got[i]["output"], Json(want[i].out));
      EXPECT_EQ(got[i]["params"].get<size_t>(), want[i].params);
      const std::string act = got[i]["kwargs"].contains("activation") ? got[i]["kwargs"]["activation"].get<std::string>() : "";
      EXPECT_EQ(act, want[i].act.empty() ? "" : "'" + want[i].act + "'");
    }
    EXPECT_EQ(r["compile"]["learning_rate"].get<double>(), 0.003);
    EXPECT_EQ(r["compile"]["loss"], "mean_squared_error");
    EXPECT_EQ(r["fit"]["epochs"], 7);
    EXPECT_EQ(r["fit"]["batch_size"], 32);
    EXPECT_EQ(r["fit"]["shuffle"], true);
    EXPECT_EQ(r["fit"]["x"], Json::array({24, 28, 28, 1}));
    EXPECT_EQ(r["fit"]["val_y"], Json::array({8, 28, 28, 1}));
  }
}

// The seed model's Keras code is the worksheet's, line for line where the worksheet has one.
TEST(CodeView, KerasCodeOfSeedReadsLikeTheWorksheet) {
  const std::string k = keras_code(Model::build("seed", 1, 28, 28), TrainConfig());
  for (const char* line : {"from tensorflow import keras\n", "from tensorflow.keras import layers\n",
                           "input_img = keras.Input(shape=(28, 28, 1))\n",
                           "x = layers.Conv2D(32, (3, 3), activation='relu', padding='same')(input_img)\n",
                           "encoded = layers.MaxPooling2D((2, 2), padding='same')(x)\n",
                           "x = layers.UpSampling2D((2, 2))(x)\n",
                           "decoded = layers.Conv2D(1, (3, 3), activation='sigmoid', padding='same')(x)\n",
                           "autoencoder = keras.Model(input_img, decoded)\n",
                           "autoencoder.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss='binary_crossentropy')\n",
                           "autoencoder.fit(x_train_noisy, x_train,\n                epochs=10,\n                batch_size=128,\n"
                           "                shuffle=True,\n                validation_data=(x_val_noisy, x_val))\n"})
    EXPECT_NE(k.find(line), std::string::npos) << line << "\nin:\n" << k;
}

// The PyTorch code, run by PyTorch next to a model dae trained for a few steps and the run's
// data from `dae export`, gives dae's outputs (max abs difference ≤ 1e-5) and the validation
// PSNR `dae eval` prints (within 0.05 dB).
TEST(CodeView, PyTorchCodeReproducesDaesOutputAndPsnr) {
  if (!dae_test::python_has("torch")) GTEST_SKIP() << "PyTorch not installed";
  for (const char* spec : {"seed", "conv8:lrelu:0.1 pool | convt8 conv1:sigmoid"}) {
    SCOPED_TRACE(spec);
    const fs::path dir = fresh_dir(std::string("handin_torch_") + (spec[0] == 's' ? "seed" : "convt"));
    const std::string model = (dir / "m.safetensors").string();
    const std::string run = " --train 256 --val 64 --seed 3 --noise gaussian:0.4";
    auto r = run_dae("train --quiet --epochs 1 --batch 64 --arch '" + std::string(spec) + "'" + run + " --out " + model);
    ASSERT_EQ(r.code, 0) << r.out;
    r = run_dae("export" + run + " --out " + (dir / "data").string());
    ASSERT_EQ(r.code, 0) << r.out;
    r = run_dae("code --framework pytorch --model " + model + " --out " + (dir / "code.py").string());
    ASSERT_EQ(r.code, 0) << r.out;
    r = run_dae("eval --json --model " + model);
    ASSERT_EQ(r.code, 0) << r.out;
    const double dae_psnr = parse_json(r.out)["val_psnr"].get<double>();
    // dae's own outputs on the exported noisy validation images.
    const Model m = Model::load(model);
    const std::vector<uint8_t> raw = read_file((dir / "data" / "val_noisy.f32").string(), 1 << 24);
    const int n = int(raw.size() / 4 / 784);
    ASSERT_EQ(n, 64);
    std::vector<float> x(raw.size() / 4), y(x.size());
    std::memcpy(x.data(), raw.data(), raw.size());
    Context ctx;
    m.predict(x.data(), n, y.data(), ctx);
    write_file((dir / "dae_out.f32").string(), y.data(), y.size() * 4);
    write_file((dir / "check.py").string(),
               "import json, numpy as np\nns = {}\nexec(open('code.py').read(), ns)\n"
               "ours = np.fromfile('dae_out.f32', dtype='<f4').reshape(ns['out'].shape)\n"
               "print(json.dumps({'diff': float(np.abs(ns['out'].numpy() - ours).max()), 'psnr': ns['val_psnr'],\n"
               "                  'std': float(ours.std())}))\n");
    int code = 0;
    const std::string out = python_in(dir, "check.py", &code);
    ASSERT_EQ(code, 0) << out;
    const std::string last = out.substr(out.rfind('{'));
    const Json j = parse_json(last);
    EXPECT_LE(j["diff"].get<double>(), 1e-5);
    EXPECT_GT(j["std"].get<double>(), 1e-3);  // the outputs say something: not a constant image
    EXPECT_NEAR(j["psnr"].get<double>(), dae_psnr, 0.05);
    EXPECT_NE(out.find("validation PSNR"), std::string::npos) << out;
    std::printf("%s: torch PSNR %.4f dB, dae eval %.4f dB, max |diff| %.3g\n", spec, j["psnr"].get<double>(), dae_psnr,
                j["diff"].get<double>());
  }
}

// `dae code` refuses what it cannot do in one line and leaves --out alone.
TEST(CodeView, CliErrors) {
  const fs::path dir = fresh_dir("handin_cli");
  write_file((dir / "keep.py").string(), std::string("keep\n"));
  auto r = run_dae("code --framework jax --out " + (dir / "keep.py").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "dae: error: --framework must be keras or pytorch, got 'jax'\n");
  r = run_dae("code --model " + (dir / "missing.safetensors").string() + " --out " + (dir / "keep.py").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(dae_test::lines(r.out), 1) << r.out;
  EXPECT_EQ(slurp(dir / "keep.py"), "keep\n");
  r = run_dae("code --arch dense --input 32");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("layers.Reshape((32, 32, 1))"), std::string::npos) << r.out;
}
// `dae notebook` on a sweep folder (two runs, its figures, notes.md): the notebook is valid
// nbformat, embeds every figure (the Data preview, each run's loss and grid, the sweep's charts),
// names the dataset with its citation and carries the notes; executed by nbclient next to its
// files, each run's PyTorch cell prints the validation PSNR `dae eval` gives for the run's model
// (within 0.05 dB) and the same line the notebook was written with; nbconvert renders it.
TEST(Notebook, SweepFolderValidatesRunsAndRenders) {
  for (const char* m : {"nbformat", "nbclient", "ipykernel", "torch"})
    if (!dae_test::python_has(m)) GTEST_SKIP() << m << " not installed";
  if (std::system("jupyter nbconvert --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "jupyter nbconvert not installed";
  const fs::path dir = fresh_dir("handin_notebook");
  const fs::path sweep = dir / "sweep", nb = dir / "hand in";
  auto r = run_dae("sweep --quiet --arch seed --lr 0.001,0.004 --epochs 2 --train 256 --val 48 --batch 32 --out " +
                   sweep.string());
  ASSERT_EQ(r.code, 0) << r.out;
  write_file((sweep / "notes.md").string(), std::string("The higher learning rate *learns faster* here.\n"));
  r = run_dae("notebook --runs " + sweep.string() + " --out '" + nb.string() + "'");
  ASSERT_EQ(r.code, 0) << r.out;
  int sweep_figures = 0;
  for (const auto& e : fs::directory_iterator(sweep / "figures")) sweep_figures += e.path().extension() == ".png";
  ASSERT_GT(sweep_figures, 1);
  int code = 0;
  const std::string out = python_in(dir, std::string(DAE_TEST_SOURCE_DATA_DIR) + "/../notebook_check.py '" +
                                             (nb / "study.ipynb").string() + "'", &code);
  ASSERT_EQ(code, 0) << out;
  const Json j = parse_json(out.substr(out.rfind("\n{") == std::string::npos ? 0 : out.rfind("\n{") + 1));
  EXPECT_EQ(j["images"].get<int>(), 1 + 2 * 2 + sweep_figures);
  EXPECT_EQ(j["executed_images"].get<int>(), j["images"].get<int>());  // the cells show the same files again
  const std::string md = j["markdown"].get<std::string>();
  EXPECT_NE(md.find("# Representation Learning and Autoencoder — MNIST"), std::string::npos) << md;
  EXPECT_NE(md.find("LeCun"), std::string::npos);
  EXPECT_NE(md.find("The higher learning rate *learns faster* here."), std::string::npos);
  EXPECT_NE(md.find("lr=0.004"), std::string::npos);  // the sweep's label of the run
  ASSERT_EQ(j["executed"].size(), 2u) << out;
  EXPECT_EQ(j["written"], j["executed"]);
  for (int k = 0; k < 2; ++k) {
    r = run_dae("eval --json --model '" + (nb / "models" / ("run" + std::to_string(k + 1) + ".safetensors")).string() + "'");
    ASSERT_EQ(r.code, 0) << r.out;
    const Json e = parse_json(r.out);
    EXPECT_NEAR(j["executed"][k][0].get<double>(), e["val_psnr"].get<double>(), 0.05);
    EXPECT_NEAR(j["executed"][k][1].get<double>(), e["noisy_psnr"].get<double>(), 0.05);
    std::printf("run %d: notebook PSNR %.2f dB, dae eval %.4f dB (noisy %.2f / %.4f)\n", k + 1,
                j["executed"][k][0].get<double>(), e["val_psnr"].get<double>(), j["executed"][k][1].get<double>(),
                e["noisy_psnr"].get<double>());
  }
  const std::string html = (dir / "study.html").string();
  EXPECT_EQ(std::system(("cd '" + nb.string() + "' && jupyter nbconvert --to html study.ipynb --output '" + html +
                         "' >/dev/null 2>&1").c_str()), 0);
  EXPECT_GT(fs::file_size(html), 10000u);
}

// `dae notebook` on model files: one section per file (named by it), --notes as the
// observations, the run's Keras code and its scores; the files the cells read are next to it.
TEST(Notebook, ModelFilesAndNotes) {
  const fs::path dir = fresh_dir("handin_notebook_files");
  const std::string run = " --quiet --epochs 1 --train 64 --val 16 --batch 16";
  auto r = run_dae("train" + run + " --out " + (dir / "first.safetensors").string());
  ASSERT_EQ(r.code, 0) << r.out;
  r = run_dae("train" + run + " --arch dense --noise sp:0.2 --out " + (dir / "second.safetensors").string());
  ASSERT_EQ(r.code, 0) << r.out;
  write_file((dir / "obs.md").string(), std::string("Dense *blurs*; conv keeps strokes.\n"));
  r = run_dae("notebook --runs " + (dir / "first.safetensors").string() + "," + (dir / "second.safetensors").string() +
              " --notes " + (dir / "obs.md").string() + " --out " + (dir / "nb").string());
  ASSERT_EQ(r.code, 0) << r.out;
  const Json nb = parse_json(slurp(dir / "nb" / "study.ipynb"));
  EXPECT_EQ(nb["nbformat"], 4);
  std::string md, code;
  for (const Json& c : nb["cells"]) (c["cell_type"] == "markdown" ? md : code) += c["source"].get<std::string>() + "\n";
  EXPECT_NE(md.find("## Run 1: first"), std::string::npos) << md;
  EXPECT_NE(md.find("## Run 2: second"), std::string::npos) << md;
  EXPECT_NE(md.find("## Observations\n\nDense *blurs*; conv keeps strokes."), std::string::npos);
  EXPECT_NE(md.find("layers.Dense(64, activation='relu')"), std::string::npos);  // dense's Keras code
  EXPECT_NE(md.find("`sp:0.2`"), std::string::npos);
  EXPECT_NE(code.find("load_dae(model, 'models/run2.safetensors')"), std::string::npos) << code;
  for (const char* f : {"models/run1.safetensors", "models/run2.safetensors", "data/1/val_noisy.f32", "data/2/val_clean.f32",
                        "figures/data_preview.png", "figures/run2_grid.png", "figures/run2_loss.png"})
    EXPECT_TRUE(fs::is_regular_file(dir / "nb" / f)) << f;
  EXPECT_EQ(fs::file_size(dir / "nb" / "data/2/val_clean.f32"), 16u * 784 * 4);
  EXPECT_EQ(Model::load((dir / "nb" / "models/run2.safetensors").string()).weights(),
            Model::load((dir / "second.safetensors").string()).weights());
}

// `dae notebook` refuses bad input in one line and writes nothing then.
TEST(Notebook, CliErrors) {
  const fs::path dir = fresh_dir("handin_notebook_errors");
  auto r = run_dae("notebook --out " + (dir / "nb").string());
  EXPECT_EQ(r.out, "dae: error: --runs is required: a sweep folder or model files\n");
  write_file((dir / "junk.safetensors").string(), std::string("junk"));
  r = run_dae("notebook --runs " + (dir / "junk.safetensors").string() + " --out " + (dir / "nb").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(dae_test::lines(r.out), 1) << r.out;
  EXPECT_FALSE(fs::exists(dir / "nb" / "study.ipynb"));
  r = run_dae("notebook --runs " + dir.string() + " --out " + dir.string());
  EXPECT_EQ(r.out, "dae: error: --out must be another folder than the sweep's (e.g. " + (dir / "handin").string() + ")\n");
  r = run_dae("notebook --runs " + dir.string() + " --out " + (dir / "nb").string());
  EXPECT_EQ(r.out, "dae: error: " + dir.string() + " is not a dae sweep folder (it has no runs.csv)\n");
}
#endif
