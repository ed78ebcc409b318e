// Helpers shared by the GoogleTest files.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <thread>

#ifdef DAE_CLI_PATH
#include <sys/wait.h>
#endif

#include "base/common.h"

namespace dae_test {

// The message of the dae::Error thrown by f, or "" (with a test failure) if none was thrown.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const dae::Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw a non-dae::Error: " << e.what();
    return e.what();
  }
  ADD_FAILURE() << "did not throw";
  return "";
}

// Polls `o` (a dae::Offload) until `n` results were applied or 20 s passed (a helper thread
// finishes on its own time); returns how many were.
template <class Offload>
int poll_until(Offload& o, int n) {
  int got = 0;
  for (int i = 0; i < 20000 && got < n; ++i) {
    got += o.poll();
    if (got < n) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return got;
}

// Whether /usr/bin/python3 can import `module` (always false under Emscripten: no processes).
inline bool python_has(const char* module) {
#ifdef __EMSCRIPTEN__
  (void)module;
  return false;
#else
  const std::string cmd = std::string("/usr/bin/python3 -c 'import ") + module + "' >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
#endif
}

#ifdef DAE_CLI_PATH
// The command-line tool run as a user would (natively only: the wasm suite has no processes).
struct CliResult {
  int code;         // exit status (-1 if it did not exit normally)
  std::string out;  // stdout and stderr together
};
// `args` are appended to the tool's path as shell words; `prefix` runs before it in the same
// shell (e.g. "ulimit -f 1;").
inline CliResult run_dae(const std::string& args, const std::string& prefix = "") {
  std::string cmd = prefix + " " + std::string(DAE_CLI_PATH) + " " + args + " 2>&1", quoted;
  for (char c : cmd) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  FILE* p = popen(("bash -c '" + quoted + "'").c_str(), "r");
  CliResult r{-1, ""};
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}
inline int lines(const std::string& s) { return int(std::count(s.begin(), s.end(), '\n')); }
#endif

}  // namespace dae_test

// `expr` throws a dae::Error whose message contains `needle`.
#define EXPECT_ERROR_HAS(expr, needle)                                        \
  do {                                                                        \
    const std::string msg_ = dae_test::error_of([&] { (void)(expr); });       \
    EXPECT_NE(msg_.find(needle), std::string::npos) << "message: " << msg_;  \
  } while (0)
