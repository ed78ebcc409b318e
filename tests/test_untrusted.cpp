// Untrusted input cannot hurt: one regression test per defect found by attacking the tool the
// way file-format testers do (issue 7). The core cases run natively and in the wasm suite;
// the command-line cases run natively (they start the real `dae`).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data/data.h"
#include "formats/io.h"
#include "formats/json.h"
#include "nn/model.h"
#include "formats/png.h"
#include "formats/safetensors.h"
#include "app/session.h"
#include "train/trainer.h"
#include "test_util.h"
#include "formats/zip.h"

#ifndef __EMSCRIPTEN__
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

namespace fs = std::filesystem;
using dae_test::error_of;

namespace {

fs::path tmp() {
  const fs::path d = fs::path(DAE_TEST_TMP_DIR) / "untrusted";
  fs::create_directories(d);
  return d;
}

std::vector<uint8_t> bytes_of(const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); }

void put_be32(std::vector<uint8_t>& v, uint32_t x) {
  for (int s = 24; s >= 0; s -= 8) v.push_back(uint8_t(x >> s));
}

// A PNG whose IHDR declares w×h (gray, 8 bits) followed by an empty IDAT: valid chunks and
// CRCs, so only the declared size can make a decoder allocate.
std::vector<uint8_t> png_declaring(uint32_t w, uint32_t h) {
  std::vector<uint8_t> p = bytes_of(std::string("\x89PNG\r\n\x1a\n", 8));
  auto chunk = [&](const char* type, const std::vector<uint8_t>& data) {
    put_be32(p, uint32_t(data.size()));
    std::vector<uint8_t> td(type, type + 4);
    td.insert(td.end(), data.begin(), data.end());
    p.insert(p.end(), td.begin(), td.end());
    put_be32(p, dae::crc32(td.data(), td.size()));
  };
  std::vector<uint8_t> ihdr;
  put_be32(ihdr, w);
  put_be32(ihdr, h);
  ihdr.insert(ihdr.end(), {8, 0, 0, 0, 0});
  chunk("IHDR", ihdr);
  chunk("IDAT", dae::zlib_compress(nullptr, 0));
  chunk("IEND", {});
  return p;
}

dae::Dataset mnist() { return dae::load_pack(std::string(DAE_TEST_DATA_DIR) + "/mnist.daepack"); }

// A trained-for-nothing model file of the given input size.
std::vector<uint8_t> model_bytes(int h, int w, const std::string& arch = "seed") {
  dae::Model m = dae::Model::build(arch, 1, h, w);
  m.init(1);
  return dae::safetensors_bytes(m.to_safetensors());
}

// A ZIP archive of stored entries (names → bytes).
std::vector<uint8_t> stored_zip(const std::vector<std::pair<std::string, std::vector<uint8_t>>>& files) {
  std::vector<uint8_t> z, cd;
  auto le = [](std::vector<uint8_t>& v, uint32_t x, int n) { for (int i = 0; i < n; ++i) v.push_back(uint8_t(x >> (8 * i))); };
  for (const auto& [name, data] : files) {
    const uint32_t off = uint32_t(z.size()), crc = dae::crc32(data.data(), data.size());
    le(z, 0x04034b50, 4); le(z, 20, 2); le(z, 0, 2); le(z, 0, 2); le(z, 0, 4); le(z, crc, 4);
    le(z, uint32_t(data.size()), 4); le(z, uint32_t(data.size()), 4); le(z, uint32_t(name.size()), 2); le(z, 0, 2);
    z.insert(z.end(), name.begin(), name.end());
    z.insert(z.end(), data.begin(), data.end());
    le(cd, 0x02014b50, 4); le(cd, 20, 2); le(cd, 20, 2); le(cd, 0, 2); le(cd, 0, 2); le(cd, 0, 4); le(cd, crc, 4);
    le(cd, uint32_t(data.size()), 4); le(cd, uint32_t(data.size()), 4); le(cd, uint32_t(name.size()), 2);
    le(cd, 0, 2); le(cd, 0, 2); le(cd, 0, 2); le(cd, 0, 2); le(cd, 0, 4); le(cd, off, 4);
    cd.insert(cd.end(), name.begin(), name.end());
  }
  const uint32_t cd_off = uint32_t(z.size());
  z.insert(z.end(), cd.begin(), cd.end());
  le(z, 0x06054b50, 4); le(z, 0, 2); le(z, 0, 2); le(z, uint32_t(files.size()), 2); le(z, uint32_t(files.size()), 2);
  le(z, uint32_t(cd.size()), 4); le(z, cd_off, 4); le(z, 0, 2);
  return z;
}

}  // namespace

// ---- 1. one shape check ------------------------------------------------------------------------

TEST(Untrusted, ModelAndDataOfDifferentSizesAreRefused) {
  dae::Model m32 = dae::Model::build("seed", 1, 32, 32);
  dae::ImageSet val28;
  val28.h = val28.w = 28;
  std::vector<uint8_t> img(784, 0);
  val28.append(img.data(), 0);
  EXPECT_ERROR_HAS(dae::evaluate(m32, val28, dae::Noise(), 0, dae::LossKind::BCE, 1),
                   "the model takes 1×32×32 images (channels×height×width); the data has 1×28×28");
  EXPECT_ERROR_HAS(dae::check_input(m32, 28, 28, "mnist"), "mnist has 1×28×28");
  EXPECT_NO_THROW(dae::check_input(m32, 32, 32, "dhcd"));
  dae::Model m24 = dae::Model::build("seed", 1, 24, 24);  // smaller than the data: refused too
  EXPECT_ERROR_HAS(dae::check_input(m24, 28, 28, "mnist"), "takes 1×24×24");
}

TEST(Untrusted, ModelFilesWithSeveralChannelsOrBadInputAreRefused) {
  dae::SafeTensors st = dae::parse_safetensors(model_bytes(28, 28).data(), model_bytes(28, 28).size());
  for (const auto& [input, needle] : std::vector<std::pair<std::string, std::string>>{
           {"3x28x28", "3 channels; dae works with 1-channel (grayscale) images"},
           {" 1x 28x 28", "bad input ' 1x 28x 28'"},
           {"1x28x28x", "bad input"},
           {"1x28", "bad input"},
           {"1x-28x28", "bad input"},
           {"1x99999x28", "bad input"},
           {"1x28x28\n", "bad input '1x28x28\\n'"}}) {
    dae::SafeTensors bad = st;
    bad.metadata["input"] = input;
    EXPECT_ERROR_HAS(dae::Model::from_safetensors(bad), needle);
  }
}

TEST(Untrusted, SessionMatchesDataByHeightAndWidthAndNeverOverflows) {
  dae::Session s;
  s.add_dataset(mnist());
  // A 32×32 model with only 28×28 data loaded: accepted as a model, but no validation data
  // of its size — results are empty, never read past the images.
  const auto m32 = model_bytes(32, 32);
  s.load_model_file(m32.data(), m32.size());
  EXPECT_TRUE(s.results(4, 1).empty());
  // A non-square model (28×32): mnist is 28×28, so again no data.
  const auto m2832 = model_bytes(28, 32, "conv8 | conv1:sigmoid");
  s.load_model_file(m2832.data(), m2832.size());
  EXPECT_TRUE(s.results(4, 1).empty());
  EXPECT_ERROR_HAS(s.denoise(std::vector<float>(784, 0.f)), "896 pixels");
  // A 28×28 model finds mnist.
  const auto m28 = model_bytes(28, 28);
  s.load_model_file(m28.data(), m28.size());
  EXPECT_EQ(s.results(4, 1).size(), 4u);
}

// ---- 2. PNG only, with limits ------------------------------------------------------------------

TEST(Untrusted, OtherImageFormatsAreNamedAndNotDecoded) {
  int h = 0, w = 0;
  const std::vector<std::pair<std::string, std::string>> files = {
      {std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00", 14) + std::string(300, '\x11'), "this is a JPEG file; dae reads PNG"},
      {"BM" + std::string(60, '\x01'), "this is a BMP file"},
      {"P5\n1260588259 1\n255\n" + std::string(16, 'x'), "this is a PNM file"},
      {"GIF89a" + std::string(20, '\0'), "this is a GIF file"},
      {std::string("RIFF\0\0\0\0WEBPVP8 ", 16), "this is a WebP file"},
      {"hello, not an image", "not a PNG file"},
      {"", "empty file"},
  };
  for (const auto& [data, needle] : files) {
    const auto b = bytes_of(data);
    EXPECT_ERROR_HAS(dae::decode_png_gray(b.data(), b.size(), "x.png", h, w), needle);
  }
}

TEST(Untrusted, DeclaredImageSizeIsCheckedBeforeDecoding) {
  int h = 0, w = 0;
  for (const auto& [dw, dh] : std::vector<std::pair<uint32_t, uint32_t>>{{4096, 4096}, {513, 1}, {100000, 100000}, {0x7FFFFFFF, 1}}) {
    const auto p = png_declaring(dw, dh);
    const std::string msg = error_of([&] { dae::decode_png_gray(p.data(), p.size(), "big.png", h, w); });
    EXPECT_NE(msg.find("larger than 512×512"), std::string::npos) << dw << "×" << dh << ": " << msg;
  }
  // Within the limit but not the size a dataset expects: refused from the header as well.
  const auto p = png_declaring(30, 32);
  EXPECT_ERROR_HAS(dae::decode_png_gray(p.data(), p.size(), "odd.png", h, w, 32, 32), "image is 32×30, expected 32×32");
}

TEST(Untrusted, ZipOfManyEntriesOfOneHugePngIsRefusedQuickly) {
  const auto huge = png_declaring(4096, 4096);
  std::vector<std::pair<std::string, std::vector<uint8_t>>> files;
  for (int i = 0; i < 150; ++i) files.push_back({"train/0/" + std::to_string(i) + ".png", huge});
  const auto z = stored_zip(files);
  EXPECT_ERROR_HAS(dae::load_zip_bytes(z.data(), z.size(), "bomb.zip"), "larger than 512×512");
}

TEST(Untrusted, DatasetBudgetCheckedBeforeLoading) {
  // 2,000 images of 512×512 = 500 MB: within the limit by count alone, refused with both numbers.
  EXPECT_ERROR_HAS(dae::check_dataset_budget("big", 100u << 20, 2000, 512, 512), "the limit for a dataset is 512 MB");
  EXPECT_NO_THROW(dae::check_dataset_budget("mnist", 0, 10000, 28, 28));
  // A small .daepack declaring a 1 GB payload is refused before anything is inflated.
  dae::Dataset d;
  d.name = "x";
  d.train.h = d.train.w = d.test.h = d.test.w = 8;
  std::vector<uint8_t> img(64, 7);
  d.train.append(img.data(), 1);
  auto pack = dae::pack_bytes(d);
  const size_t counts = 8 + 1 + 1 + 4;  // magic, name length, name, h, w → n_train
  pack[counts] = 0xFF; pack[counts + 1] = 0xFF; pack[counts + 2] = 0xFF; pack[counts + 3] = 0x00;  // 16.7 M images
  EXPECT_ERROR_HAS(dae::load_pack_bytes(pack.data(), pack.size(), "x.daepack"), "the limit for a dataset");
}

// The page's one memory budget (issue 26): datasets and models together. A pack that is within
// the per-dataset limit but not within what the page has left is refused before its pixels are
// read, with both numbers, and the session is unchanged; a model upload likewise.
TEST(Untrusted, ThePagesMemoryBudgetCoversDatasetsAndModelsTogether) {
  const fs::path d = tmp() / "budget";
  fs::create_directories(d);
  dae::Session s;
  s.add_dataset(mnist());  // 10,000 images of 28×28: 7.5 MB
  s.set_memory_budget(size_t(12) << 20);
  const size_t before = s.memory_in_use();
  EXPECT_EQ(before, size_t(10000) * 784);
  auto pack_of = [&](int n, const std::string& name) {
    dae::Dataset x;
    x.name = name;
    x.train.h = x.train.w = x.test.h = x.test.w = 28;
    std::vector<uint8_t> img(784, 9);
    for (int i = 0; i < n; ++i) x.train.append(img.data(), uint8_t(i % 10));
    const std::string path = (d / (name + ".daepack")).string();
    dae::write_file(path, dae::pack_bytes(x).data(), dae::pack_bytes(x).size());
    return path;
  };
  EXPECT_ERROR_HAS(s.import_dataset(pack_of(8000, "big")), "the page has 4.5 MB left for data, of its 12 MB");
  EXPECT_EQ(s.dataset_names(), std::vector<std::string>{"mnist"});
  EXPECT_EQ(s.memory_in_use(), before);
  EXPECT_EQ(s.import_dataset(pack_of(1000, "small")), "small");
  // The budget was for that import only: a plain check sees the usual limit again.
  EXPECT_NO_THROW(dae::check_dataset_budget("x", 0, 20000, 28, 28));
  // A model file larger than what is left: refused, the model in memory unchanged.
  const std::vector<uint8_t> m = model_bytes(28, 28, "conv512 conv512 | conv1:sigmoid");  // 2.4 M parameters
  EXPECT_ERROR_HAS(s.load_model_file(m.data(), m.size(), "huge.safetensors"), "does not fit: the page holds");
  EXPECT_FALSE(s.has_model());
  const std::vector<uint8_t> ok = model_bytes(28, 28);
  EXPECT_NO_THROW(s.load_model_file(ok.data(), ok.size(), "seed.safetensors"));
}

TEST(Untrusted, SafetensorsHeadersAndTrainingMemoryHaveBudgets) {
  std::vector<uint8_t> f(8 + (100u << 20) + 8, ' ');
  const uint64_t n = 100u << 20;
  for (int i = 0; i < 8; ++i) f[size_t(i)] = uint8_t(n >> (8 * i));
  EXPECT_ERROR_HAS(dae::parse_safetensors(f.data(), f.size()), "exceeds the limit of 8,388,608");
  // Gradient memory is a fixed number of copies of the parameters whatever the batch size;
  // a model too large to train is refused with what it needs.
  EXPECT_EQ(dae::grad_slots(74497), dae::kMaxGradSlots);
  EXPECT_LT(dae::grad_slots(23000000), 4);
  EXPECT_GE(dae::grad_slots(60000000), 1);
  dae::Model big = dae::Model::build("conv2048 conv2048 | conv1:sigmoid", 1, 28, 28);  // 37.8 M parameters
  EXPECT_ERROR_HAS(dae::check_training_memory(big, 2), "the limit is 1 GB");
  dae::Model seed = dae::Model::build("seed", 1, 28, 28);
  EXPECT_LT(dae::check_training_memory(seed, 2), size_t(64) << 20);
}

// ---- 3. safe writes ----------------------------------------------------------------------------

TEST(Untrusted, WritesAreAtomicAndRefuseNonRegularTargets) {
  const fs::path d = tmp() / "writes";
  fs::remove_all(d);
  fs::create_directories(d);
  const std::string file = (d / "a.txt").string();
  dae::write_file(file, std::string("first"));
  dae::write_file(file, std::string("second"));
  EXPECT_EQ(dae::read_file(file, 100).size(), 6u);
  EXPECT_ERROR_HAS(dae::write_file(d.string(), std::string("x")), "it is a folder, not a regular file");
  EXPECT_ERROR_HAS(dae::write_file("", std::string("x")), "the output path is empty");
  EXPECT_ERROR_HAS(dae::check_output_path((d / "no/such/x.png").string()), "does not exist");
  EXPECT_NO_THROW(dae::check_output_path((d / "new.png").string()));
  EXPECT_FALSE(fs::exists(d / "new.png"));  // checking creates nothing
  // A symbolic link is written through: the target changes, the link stays a link.
  const fs::path target = d / "target.txt", link = d / "link.txt";
  dae::write_file(target.string(), std::string("old"));
  fs::create_symlink(target.filename(), link);
  dae::write_file(link.string(), std::string("new!"));
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(dae::read_file(target.string(), 100).size(), 4u);
  int files = 0;
  for (const auto& e : fs::directory_iterator(d)) files += e.path().filename().string().find(".tmp") != std::string::npos;
  EXPECT_EQ(files, 0);  // no temporary files left behind
#ifndef __EMSCRIPTEN__
  EXPECT_ERROR_HAS(dae::write_file("/dev/full", std::string("x")), "/dev/full: it is a character device");
  EXPECT_ERROR_HAS(dae::check_output_path("/dev/null"), "character device");
  const fs::path fifo = d / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_ERROR_HAS(dae::write_file(fifo.string(), std::string("x")), "it is a FIFO, not a regular file");
  EXPECT_ERROR_HAS(dae::read_file(fifo.string(), 100), "it is a FIFO, not a regular file");  // never blocks
  EXPECT_ERROR_HAS(dae::load_safetensors(fifo.string()), "FIFO");
#endif
}

#ifndef __EMSCRIPTEN__
TEST(Untrusted, AFullDiskIsAnErrorAndKeepsTheOldFile) {
  // RLIMIT_FSIZE makes writes past the limit fail with EFBIG, like a full disk.
  const fs::path d = tmp() / "full";
  fs::create_directories(d);
  const std::string file = (d / "keep.bin").string();
  dae::write_file(file, std::string("precious"));
  struct rlimit old;
  getrlimit(RLIMIT_FSIZE, &old);
  auto* prev = signal(SIGXFSZ, SIG_IGN);
  struct rlimit lim = old;
  lim.rlim_cur = 4096;
  setrlimit(RLIMIT_FSIZE, &lim);
  const std::string msg = error_of([&] { dae::write_file(file, std::string(100000, 'x')); });
  setrlimit(RLIMIT_FSIZE, &old);
  signal(SIGXFSZ, prev);
  EXPECT_NE(msg.find("cannot write " + file + ": File too large"), std::string::npos) << msg;
  EXPECT_EQ(dae::read_file(file, 100).size(), 8u);
  EXPECT_EQ(msg.find(".tmp"), std::string::npos) << msg;  // never names the temporary file
}

// A replaced file keeps its permissions; a read-only one is refused; the temporary file of a
// writer that was killed is removed by the next write; Links::refuse never writes through a link.
TEST(Untrusted, WritesKeepPermissionsRefuseReadOnlyAndLinksWhenAsked) {
  const fs::path d = tmp() / "modes";
  fs::remove_all(d);
  fs::create_directories(d);
  const std::string priv = (d / "private.bin").string(), ro = (d / "readonly.bin").string();
  dae::write_file(priv, std::string("v1"));
  ASSERT_EQ(chmod(priv.c_str(), 0600), 0);
  dae::write_file(priv, std::string("v2"));
  struct stat st;
  ASSERT_EQ(stat(priv.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "a private file became readable by others";
  dae::write_file(ro, std::string("keep"));
  ASSERT_EQ(chmod(ro.c_str(), 0444), 0);
  EXPECT_ERROR_HAS(dae::write_file(ro, std::string("new")), "cannot write " + ro + ": it is read-only");
  EXPECT_ERROR_HAS(dae::check_output_path(ro), "it is read-only");
  EXPECT_EQ(dae::read_file(ro, 100).size(), 4u);

  // A writer killed between creating its temporary file and the rename: a child process that
  // has ended. Its file goes with the next write; a file of a running process (init) stays.
  const pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  waitpid(child, nullptr, 0);
  const fs::path dead = d / (".private.bin.tmp-" + std::to_string(long(child)) + "-0");
  const fs::path alive = d / ".private.bin.tmp-1-0";
  dae::write_file(dead.string(), std::string("half"));
  dae::write_file(alive.string(), std::string("busy"));
  dae::write_file(priv, std::string("v3"));
  EXPECT_FALSE(fs::exists(dead)) << "a dead writer's temporary file was left";
  EXPECT_TRUE(fs::exists(alive)) << "a running writer's temporary file was removed";

  // Links::refuse: a link as the file, or as a folder on the way, is an error; nothing outside
  // changes.
  const fs::path outside = tmp() / "modes_outside";
  fs::remove_all(outside);
  fs::create_directories(outside);
  dae::write_file((outside / "victim").string(), std::string("mine"));
  fs::create_symlink(outside / "victim", d / "link");
  EXPECT_ERROR_HAS(dae::write_file((d / "link").string(), std::string("x"), dae::Links::refuse), "symbolic link");
  EXPECT_ERROR_HAS(dae::check_output_path((d / "link").string(), dae::Links::refuse), "symbolic link");
  fs::create_directory_symlink(outside, d / "dir");
  EXPECT_ERROR_HAS(dae::check_no_links(d.string(), (d / "dir" / "victim").string()), (d / "dir").string() + " is a symbolic link");
  EXPECT_NO_THROW(dae::check_no_links(d.string(), (d / "private.bin").string()));
  EXPECT_ERROR_HAS(dae::check_no_links(d.string(), (d / ".." / "x").string()), "is not inside");
  EXPECT_EQ(dae::read_file((outside / "victim").string(), 100).size(), 4u);
  dae::write_file((d / "link").string(), std::string("followed"));  // the default follows
  EXPECT_EQ(dae::read_file((outside / "victim").string(), 100).size(), 8u);
}
#endif

// ---- 5. strict metadata and clean messages ---------------------------------------------------------

TEST(Untrusted, ModelMetadataIsParsedStrictly) {
  auto cfg = [](const std::string& json) { return dae::TrainConfig::from_json(dae::parse_json(json)); };
  EXPECT_ERROR_HAS(cfg(R"({"val":1e30})"), "val must be an integer in 0..10000000");
  EXPECT_ERROR_HAS(cfg(R"({"seed":-1})"), "seed must be an integer in 0..9007199254740991, got -1");
  EXPECT_ERROR_HAS(cfg(R"({"seed":18446744073709551615})"), "seed must be an integer");
  EXPECT_ERROR_HAS(cfg(R"({"epochs":"10"})"), "epochs must be an integer");
  EXPECT_ERROR_HAS(cfg(R"({"lr":1000})"), "learning rate (lr) must be a number in (0, 10], got 1000");
  EXPECT_ERROR_HAS(cfg(R"({"train":8000.5})"), "train must be an integer");
  EXPECT_ERROR_HAS(cfg(R"({"fresh_noise":1})"), "fresh_noise must be true or false");
  EXPECT_ERROR_HAS(cfg(R"({"epochs":1,"epochs":2})"), "duplicate key");
  EXPECT_ERROR_HAS(cfg(R"([1])"), "training config must be a JSON object");
  // From text (CLI flags): strict as well.
  dae::TrainConfig c;
  for (const char* bad : {" 10", "10 ", "1e1", "+10", "0x10", "10abc", ""})
    EXPECT_ERROR_HAS(c.set("epochs", std::string(bad)), "epochs must be an integer in 1..10,000");
  EXPECT_ERROR_HAS(c.set("lr", std::string("nan")), "learning rate");
  EXPECT_ERROR_HAS(c.set("lr", std::string(" 0.1")), "learning rate");
  EXPECT_ERROR_HAS(c.set("epoch", std::string("3")), "unknown training setting 'epoch'");
  c.set("fresh-noise", std::string("true"));
  EXPECT_TRUE(c.fresh_noise);
  EXPECT_EQ(c.epochs, 10);  // failed sets changed nothing
}

TEST(Untrusted, NamesFromArchivesAreEscapedInMessages) {
  // A zip whose only class folder holds a broken PNG with a newline and an escape sequence in
  // its name: the message stays on one line and drives no terminal.
  const auto z = stored_zip({{"train/0/evil\n\x1b[2Jname.png", bytes_of("not a png")}});
  const std::string msg = error_of([&] { dae::load_zip_bytes(z.data(), z.size(), "d\x07.zip"); });
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\x1b'), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\x07'), std::string::npos) << msg;
  EXPECT_NE(msg.find("evil\\n\\x1b[2Jname.png"), std::string::npos) << msg;
  // Marks that turn text around are escaped too; a long name is cut between characters.
  EXPECT_EQ(dae::printable("run\u202Egnp.exe \u2066x\u2069 \u200F"), "run\\u202egnp.exe \\u2066x\\u2069 \\u200f");
  EXPECT_EQ(dae::printable("\u2010 \u00e9"), "\u2010 \u00e9");  // a hyphen and é are just text
  const std::string cut = dae::printable(std::string(30, 'a') + "\u00e9\u00e9\u00e9", 31);
  EXPECT_TRUE(dae::valid_utf8(cut)) << cut;
}

// ---- 7. the page: damaged saved state leaves a working session ------------------------------------

TEST(Untrusted, DamagedSavedSessionIsRefusedWithStateKept) {
  dae::Session s;
  s.add_dataset(mnist());
  s.set_observations("keep me");
  const std::vector<std::string> damaged = {
      "", "{", "null", R"({"format":"dae-session-1"})",
      R"({"format":"dae-session-1","config":{},"observations":"","next_run_id":1,"runs":[{"id":"x"}]})",
      R"({"format":"dae-session-1","config":{"epochs":-5},"observations":"","next_run_id":1,"runs":[]})",
      R"({"format":"dae-session-1","config":{},"observations":7,"next_run_id":1,"runs":[]})",
      std::string("{\"format\":\"dae-session-1\"\0}", 27)};
  for (const std::string& text : damaged) {
    EXPECT_THROW(s.load_state(text), dae::Error) << text;
    EXPECT_EQ(s.observations(), "keep me");
  }
}

// ---- the command-line tool -------------------------------------------------------------------------
#ifdef DAE_CLI_PATH
using dae_test::run_dae;

TEST(UntrustedCli, WrongSizedModelIsAnErrorInEveryCommand) {
  const fs::path d = tmp() / "cli";
  fs::create_directories(d);
  const std::string dm = (d / "d32.safetensors").string();
  {
    dae::Model m = dae::Model::build("seed", 1, 32, 32);
    m.init(0);
    m.save(dm);
  }
  for (const std::string cmd : {"grid --model " + dm + " --dataset mnist --out " + (d / "g.png").string(),
                                "eval --model " + dm + " --dataset mnist"}) {
    const auto r = run_dae(cmd);
    EXPECT_EQ(r.code, 1) << cmd << "\n" << r.out;
    EXPECT_NE(r.out.find("the model takes 1×32×32 images (channels×height×width); mnist has 1×28×28"), std::string::npos)
        << r.out;
  }
  EXPECT_FALSE(fs::exists(d / "g.png"));
  std::vector<uint8_t> img(28 * 28, 0);
  dae::write_gray_png((d / "in28.png").string(), img.data(), 28, 28);
  const auto r = run_dae("denoise --model " + dm + " --in " + (d / "in28.png").string() + " --out " + (d / "o.png").string());
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("in28.png has 1×28×28"), std::string::npos) << r.out;
}

TEST(UntrustedCli, BadOutputsFailBeforeWorkAndNothingIsReplaced) {
  const fs::path d = tmp() / "cli_out";
  fs::create_directories(d);
  for (const auto& [out, needle] : std::vector<std::pair<std::string, std::string>>{
           {"/dev/full", "cannot write /dev/full: it is a character device, not a regular file"},
           {d.string(), "it is a folder"},
           {"''", "the output path is empty"},
           {"/proc/x", "cannot write /proc/x"},
           {(d / "missing/m.safetensors").string(), "does not exist"}}) {
    // --epochs 10000 would take hours: the error must come first.
    const auto r = run_dae("train --epochs 10000 --out " + out);
    EXPECT_EQ(r.code, 1) << out << "\n" << r.out;
    EXPECT_EQ(dae_test::lines(r.out), 1) << r.out;
    EXPECT_NE(r.out.find(needle), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("Epoch"), std::string::npos) << r.out;
  }
  struct stat st;
  ASSERT_EQ(stat("/dev/full", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));  // still the device
}

TEST(UntrustedCli, FullDiskIsReportedNotCalledWritten) {
  const fs::path d = tmp() / "cli_full";
  fs::create_directories(d);
  const std::string model = (d / "m.safetensors").string(), grid = (d / "grid.png").string();
  ASSERT_EQ(run_dae("train --epochs 1 --train 64 --val 32 --quiet --out " + model).code, 0);
  // `ulimit -f 1`: files past 1 KB cannot be written — a grid PNG is bigger.
  const auto r = run_dae("grid --model " + model + " --out " + grid, "ulimit -f 1; trap \"\" XFSZ;");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(r.out.find("wrote"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cannot write " + grid + ": File too large"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(grid));
  const auto h = run_dae("train --epochs 1 --train 64 --val 32 --quiet --out " + model + " --history " +
                             (d / "h.csv").string(), "ulimit -f 8; trap \"\" XFSZ;");
  EXPECT_EQ(h.code, 1) << h.out;  // the model file (~300 KB) cannot be written
}

TEST(UntrustedCli, FifosAreRefusedNotWaitedOn) {
  const fs::path d = tmp() / "cli_fifo";
  fs::remove_all(d);
  fs::create_directories(d);
  const fs::path fifo = d / "m.safetensors";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string cmd : {"eval --model " + fifo.string(), "train --epochs 1 --train 64 --val 32 --init " + fifo.string() +
                                                                   " --out " + (d / "o.safetensors").string()}) {
    const auto r = run_dae(cmd, "timeout 20");
    EXPECT_EQ(r.code, 1) << cmd << "\n" << r.out;  // 124 would mean it hung until the timeout
    EXPECT_NE(r.out.find("it is a FIFO, not a regular file"), std::string::npos) << r.out;
  }
}

TEST(UntrustedCli, BareDaePrintsUsageAndControlCharactersAreEscaped) {
  const auto bare = run_dae("");
  EXPECT_EQ(bare.code, 1);
  EXPECT_NE(bare.out.find("usage: dae <command>"), std::string::npos) << bare.out;
  const auto r = run_dae("train --dataset $'/no/such\\n\\x1b[31mdir'");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(dae_test::lines(r.out), 1) << r.out;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("/no/such\\n\\x1b[31mdir"), std::string::npos) << r.out;
}
#endif
