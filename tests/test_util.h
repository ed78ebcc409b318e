// Helpers shared by the GoogleTest files.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <exception>
#include <string>

#include "common.h"

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

}  // namespace dae_test

// `expr` throws a dae::Error whose message contains `needle`.
#define EXPECT_ERROR_HAS(expr, needle)                                        \
  do {                                                                        \
    const std::string msg_ = dae_test::error_of([&] { (void)(expr); });       \
    EXPECT_NE(msg_.find(needle), std::string::npos) << "message: " << msg_;  \
  } while (0)
