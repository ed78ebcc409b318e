// io.h — every file the core and the CLI read or write goes through here.
//
// Reading: regular files only. A FIFO, device or folder is refused before it is opened (so
// nothing blocks forever), and the size is checked against a limit before anything is read.
//
// Writing: one atomic writer. The bytes go to a temporary file beside the target; every
// write, the flush, fsync and close are checked; then it is renamed over the target. So a
// full disk or any failure leaves the old file untouched and no half-written one, and the
// message names the user's path, never the temporary file. It never replaces anything but
// a regular file: a device (/dev/full), FIFO or folder is refused. A symbolic link is
// written through: the file it points to is replaced and the link stays a link.
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

// Atomic replace (see above). Throws dae::Error("cannot write <path>: <reason>").
void write_file(const std::string& path, const void* data, size_t n);
inline void write_file(const std::string& path, std::string_view text) { write_file(path, text.data(), text.size()); }

// Would write_file(path) be allowed? Checks that the path is not empty, its folder exists
// and is writable (by creating and removing a scratch file there), and that the path (after
// following symbolic links) is not a folder or another non-regular file. Throws dae::Error.
void check_output_path(const std::string& path);

// "74 KB", "1.6 MB", "3.2 GB" (binary units) for size messages.
std::string human_size(double bytes);

}  // namespace dae
