// csv.h — the fields of the CSV tables dae writes (the runs table of the page and of a sweep,
// a sweep's cross-noise table).
#pragma once
#include <string>

namespace dae {

// A field for CSV: control characters escaped as printable() does ("\n", "\x1b"), so a row is
// one line and a terminal showing the file is not driven by it, then quoted (with "" for ")
// when it holds a comma or quote.
std::string csv_field(const std::string& s);
// A number for CSV written with printf's `format` ("%.6g"), or an empty cell when it is not
// finite (no value yet).
std::string csv_number(double v, const char* format);

}  // namespace dae
