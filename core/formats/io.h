// io.h — every file the core and the CLI read or write goes through here.
//
// Reading: regular files only. A FIFO, device or folder is refused before it is opened (so
// nothing blocks forever), and the size is checked against a limit before anything is read.
//
// Writing: one atomic writer. The bytes go to a temporary file beside the target; every
// write, the flush, fsync and close are checked; then it is renamed over the target. So a
// full disk or any failure leaves the old file untouched and no half-written one, and the
// message names the user's path, never the temporary file. It never replaces anything but
// a regular file: a device (/dev/full), FIFO or folder is refused. A replaced file keeps its
// permissions (a private 0600 model stays private); a read-only one (no write bit for its
// owner) is refused, not replaced. A symbolic link is written through (the file it points to is
// replaced and the link stays a link) unless the caller says Links::refuse: a sweep folder
// someone else unpacked or shares must not make dae write outside it. Temporary files a killed
// writer left beside the target (".name.tmp-PID-N" of a process that no longer runs) are
// removed by the next write to that path.
//
// check_output_path() runs the same checks up front, so a command can refuse a bad --out
// before a long training run rather than after it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dae {

// Throws dae::Error: "file not found: x", "not a regular file (a FIFO): x",
// "x is 3.2 GB, over the 1 GB limit for a model file", "cannot read x: <reason>".
// `what` names the kind of file in the size message ("a model file", "a PNG image").
std::vector<uint8_t> read_file(const std::string& path, size_t max_bytes, std::string_view what = "a file");

enum class Links { follow, refuse };

// Atomic replace (see above). Throws dae::Error("cannot write <path>: <reason>").
void write_file(const std::string& path, const void* data, size_t n, Links links = Links::follow);
inline void write_file(const std::string& path, std::string_view text, Links links = Links::follow) {
  write_file(path, text.data(), text.size(), links);
}

// Would write_file(path) be allowed? Checks that the path is not empty, its folder exists
// and is writable (by creating and removing a scratch file there), and that the path (after
// following symbolic links) is not a folder, another non-regular file or read-only. Throws
// dae::Error.
void check_output_path(const std::string& path, Links links = Links::follow);

// Throws dae::Error("<path> is a symbolic link …") when `path` or any folder between `root`
// and it is a symbolic link (`root` itself may be one: the user chose it). `path` is under
// `root` (root / something).
void check_no_links(const std::string& root, const std::string& path);

// "74 KB", "1.6 MB", "3.2 GB" (binary units) for size messages.
std::string human_size(double bytes);

}  // namespace dae
