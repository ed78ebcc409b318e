// csv.cpp — see csv.h.
#include "formats/csv.h"

#include <cmath>
#include <cstdio>

#include "base/common.h"

namespace dae {

std::string csv_field(const std::string& raw) {
  // Control characters (a label's line break, an escape sequence) never reach the file raw.
  const std::string s = printable(raw, raw.size() * 4 + 1);
  if (s.find_first_of(",\"") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string csv_number(double v, const char* format) {
  if (!std::isfinite(v)) return "";
  char b[64];
  std::snprintf(b, sizeof b, format, v);
  return b;
}

}  // namespace dae
