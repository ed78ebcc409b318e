// io.cpp — reading and writing files. See io.h.
#include "formats/io.h"

#include <atomic>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>

#include <fcntl.h>
#include <signal.h>
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

// The path a write goes to: `path` with its links followed, or, with Links::refuse, `path`
// itself when it is not a link.
std::string target_of(const std::string& path, Links links) {
  if (links == Links::follow) return resolve_links(path);
  std::error_code ec;
  if (fs::is_symlink(fs::symlink_status(path, ec)))
    throw Error("cannot write " + printable(path) + ": it is a symbolic link, and links are not followed here");
  return path;
}

// Refuses anything that exists and is not a regular file, and a read-only file. Returns the
// permission bits of the file replaced (0 when there is none).
mode_t check_target(const std::string& user_path, const std::string& real) {
  std::error_code ec;
  const fs::file_status st = fs::status(real, ec);
  if (ec || !fs::exists(st)) return 0;
  if (!fs::is_regular_file(st))
    throw Error("cannot write " + printable(user_path) + ": it is " + kind_of(st) + ", not a regular file");
  const fs::perms perms = st.permissions();  // from the same status: one look at the file
  if ((perms & fs::perms::owner_write) == fs::perms::none)
    throw Error("cannot write " + printable(user_path) + ": it is read-only (make it writable, or choose another file)");
  return mode_t(perms & fs::perms::mask);
}

// The temporary file names of a target: ".<name>.tmp-<pid>-<n>" beside it.
std::string temp_prefix(const fs::path& real) { return "." + real.filename().string() + ".tmp-"; }

// Removes the temporary files of `real` left by writers that no longer run (killed during a
// write). A file of a running process (its pid answers) is left alone.
void remove_stray_temps(const fs::path& real) {
#ifndef __EMSCRIPTEN__
  const std::string prefix = temp_prefix(real);
  std::error_code ec;
  fs::directory_iterator it(real.parent_path().empty() ? fs::path(".") : real.parent_path(), ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string rest = name.substr(prefix.size());
    const size_t dash = rest.find('-');
    if (dash == 0 || dash == std::string::npos || rest.find_first_not_of("0123456789-") != std::string::npos) continue;
    const long pid = std::strtol(rest.substr(0, dash).c_str(), nullptr, 10);
    if (pid <= 0 || pid == long(::getpid())) continue;
    if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH) {
      std::error_code rm;
      if (!fs::is_symlink(it->symlink_status(rm))) fs::remove(it->path(), rm);
    }
  }
#else
  (void)real;
#endif
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
  // Whole numbers of bytes and KB, and from 100 on ("322 MB", not "322.0 MB"); else one decimal.
  if (unit[0] == 'b' || unit[0] == 'K' || v >= 99.95 || v == std::floor(v)) std::snprintf(buf, sizeof buf, "%.0f %s", v, unit);
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

void check_no_links(const std::string& root, const std::string& path) {
  const fs::path r = fs::path(root).lexically_normal(), p = fs::path(path).lexically_normal();
  const fs::path rel = p.lexically_relative(r);
  if (rel.empty() || *rel.begin() == "..") throw Error(printable(path) + " is not inside " + printable(root));
  fs::path at = r;
  for (const fs::path& part : rel) {
    at /= part;
    std::error_code ec;
    if (fs::is_symlink(fs::symlink_status(at, ec)))
      throw Error(printable(at.string()) + " is a symbolic link; nothing inside " + printable(root) +
                  " may be one (dae would write where it points): remove it");
  }
}

void check_output_path(const std::string& path, Links links) {
  if (path.empty()) throw Error("the output path is empty");
  const std::string real = target_of(path, links);
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

void write_file(const std::string& path, const void* data, size_t n, Links links) {
  if (path.empty()) throw Error("the output path is empty");
  const std::string name = printable(path);
  const std::string real = target_of(path, links);
  const mode_t mode = check_target(path, real);
  static std::atomic<unsigned> counter{0};
  const fs::path rp(real);
  remove_stray_temps(rp);
  const std::string tmp = (rp.parent_path().empty() ? fs::path(".") : rp.parent_path()).string() + "/" +
                          temp_prefix(rp) + std::to_string(long(::getpid())) + "-" + std::to_string(counter++);
  // O_EXCL never follows a link; O_NOFOLLOW says so twice.
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot write " + name + ": " + std::strerror(errno));
  int err = 0;
  if (mode && ::fchmod(fd, mode) != 0) err = errno;  // the replaced file's permissions
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
