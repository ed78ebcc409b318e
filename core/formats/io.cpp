// io.cpp — reading and writing files. See io.h.
#include "formats/io.h"

#include <atomic>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/common.h"

namespace fs = std::filesystem;

namespace dae {
namespace {

const char* kind_of(const fs::file_status& st) {
  switch (st.type()) {
    case fs::file_type::directory: return "a folder";
    case fs::file_type::fifo: return "a FIFO";
    case fs::file_type::character: return "a character device";
    case fs::file_type::block: return "a block device";
    case fs::file_type::socket: return "a socket";
    default: return "not a regular file";
  }
}

// The path a write really goes to: symbolic links followed (at most 40, like the kernel).
std::string resolve_links(const std::string& path) {
  fs::path p = path;
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(p, ec))) return p.string();
    fs::path target = fs::read_symlink(p, ec);
    if (ec) throw Error("cannot write " + printable(path) + ": " + ec.message());
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  throw Error("cannot write " + printable(path) + ": too many levels of symbolic links");
}

// Refuses anything that exists and is not a regular file.
void check_target(const std::string& user_path, const std::string& real) {
  std::error_code ec;
  const fs::file_status st = fs::status(real, ec);
  if (!ec && fs::exists(st) && !fs::is_regular_file(st))
    throw Error("cannot write " + printable(user_path) + ": it is " + kind_of(st) + ", not a regular file");
}

std::string folder_of(const std::string& real) {
  const fs::path parent = fs::path(real).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

}  // namespace

std::string human_size(double b) {
  char buf[32];
  const char* unit = "bytes";
  double v = b;
  if (b >= 1024.0 * 1024 * 1024) { v = b / (1024.0 * 1024 * 1024); unit = "GB"; }
  else if (b >= 1024.0 * 1024) { v = b / (1024.0 * 1024); unit = "MB"; }
  else if (b >= 1024) { v = b / 1024; unit = "KB"; }
  if (unit[0] == 'b' || unit[0] == 'K' || v == std::floor(v)) std::snprintf(buf, sizeof buf, "%.0f %s", v, unit);
  else std::snprintf(buf, sizeof buf, "%.1f %s", v, unit);
  return buf;
}

std::vector<uint8_t> read_file(const std::string& path, size_t max_bytes, std::string_view what) {
  const std::string name = printable(path);
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) throw Error("file not found: " + name);
  if (!fs::is_regular_file(st)) throw Error("cannot read " + name + ": it is " + kind_of(st) + ", not a regular file");
  // O_NONBLOCK: should the path turn into a FIFO between the check and the open, open()
  // still returns at once; fstat below then refuses it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open " + name + ": " + std::strerror(errno));
  std::unique_ptr<int, void (*)(int*)> guard(new int(fd), [](int* f) { ::close(*f); delete f; });
  struct stat sb;
  if (::fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) throw Error("cannot read " + name + ": not a regular file");
  if (uint64_t(sb.st_size) > max_bytes)
    throw Error(name + " is " + human_size(double(sb.st_size)) + ", over the " + human_size(double(max_bytes)) +
                " limit for " + std::string(what));
  std::vector<uint8_t> data(size_t(sb.st_size));
  size_t got = 0;
  while (got < data.size()) {
    const ssize_t r = ::read(fd, data.data() + got, data.size() - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw Error("cannot read " + name + ": " + std::strerror(errno));
    if (r == 0) break;
    got += size_t(r);
  }
  if (got != data.size()) throw Error("cannot read " + name + ": the file changed size while it was read");
  return data;
}

void check_output_path(const std::string& path) {
  if (path.empty()) throw Error("the output path is empty");
  const std::string real = resolve_links(path);
  check_target(path, real);
  if (!real.empty() && real.back() == '/') throw Error("cannot write " + printable(path) + ": it names a folder");
  const std::string dir = folder_of(real);
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw Error("cannot write " + printable(path) + ": the folder " + printable(dir) + " does not exist");
  // The only reliable test of "can I create a file there" is to do it.
  static std::atomic<unsigned> counter{0};
  const std::string probe =
      dir + "/.dae-probe-" + std::to_string(long(::getpid())) + "-" + std::to_string(counter++);
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot write " + printable(path) + ": " + std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
}

void write_file(const std::string& path, const void* data, size_t n) {
  if (path.empty()) throw Error("the output path is empty");
  const std::string name = printable(path);
  const std::string real = resolve_links(path);
  check_target(path, real);
  static std::atomic<unsigned> counter{0};
  const fs::path rp(real);
  const std::string tmp = (rp.parent_path().empty() ? fs::path(".") : rp.parent_path()).string() + "/." +
                          rp.filename().string() + ".tmp-" + std::to_string(long(::getpid())) + "-" +
                          std::to_string(counter++);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot write " + name + ": " + std::strerror(errno));
  int err = 0;
  const uint8_t* p = static_cast<const uint8_t*>(data);
  size_t left = n;
  while (left > 0 && !err) {
    const ssize_t w = ::write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) err = w < 0 ? errno : EIO;
    else { p += w; left -= size_t(w); }
  }
#ifndef __EMSCRIPTEN__
  if (!err && ::fsync(fd) != 0 && errno != EINVAL) err = errno;  // data on disk before the rename
#endif
  if (::close(fd) != 0 && !err) err = errno;
  if (!err && std::rename(tmp.c_str(), real.c_str()) != 0) err = errno;
  if (err) {
    ::unlink(tmp.c_str());
    throw Error("cannot write " + name + ": " + std::strerror(err));
  }
}

}  // namespace dae
