// spec.cpp — the architecture spec grammar (spec.h): tokens to LayerSpecs and back, driven by
// the layer table (layers.h).
#include "nn/spec.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "base/common.h"
#include "nn/layers.h"

namespace dae {

std::string format_alpha(float a) {
  char buf[32];
  for (int digits = 1; digits <= 9; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, double(a));
    if (std::strtof(buf, nullptr) == a) break;
  }
  return buf;
}

namespace {

std::string lower(std::string s) {
  for (auto& ch : s) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// Reads a positive integer of at most 7 digits at s[pos...]; returns -1 if none.
int read_int(const std::string& s, size_t& pos) {
  size_t start = pos;
  long long v = 0;
  while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])) && pos - start < 7)
    v = v * 10 + (s[pos++] - '0');
  if (pos == start || (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])))) return -1;
  return int(v);
}

// The table entry whose word (or alias) is the longest prefix of t; nullptr if none.
const LayerDef* match_word(const std::string& t, size_t& len) {
  const LayerDef* best = nullptr;
  len = 0;
  for (const auto& d : layer_table())
    for (const char* w : {d.token, d.alias}) {
      if (!w) continue;
      const size_t n = std::strlen(w);
      if (n > len && t.compare(0, n, w) == 0) best = &d, len = n;
    }
  return best;
}

// Parses one layer (and, with kTakesAct, its ':act' suffix) from t[pos...]; `whole` is the
// token for messages.
LayerSpec parse_at(const std::string& t, size_t& pos, const std::string& whole, bool as_activation) {
  auto bad = [&](const std::string& why) {
    return Error("arch: bad layer '" + whole + "': " + why + " (layers: " + layer_grammar() + ")");
  };
  size_t len = 0;
  const LayerDef* d = match_word(t.substr(pos), len);
  if (as_activation && t.compare(pos, std::string::npos, "linear") == 0) {
    LayerSpec s;
    s.has_act = false;
    pos = t.size();
    return s;
  }
  if (!d) throw bad(as_activation ? "unknown activation" : "unknown layer");
  if (as_activation && !d->has(LayerDef::kIsActivation))
    throw bad(std::string("'") + d->token + "' is not an activation (linear, relu, lrelu[:alpha], sigmoid)");
  LayerSpec s;
  s.kind = d->kind;
  s.has_act = as_activation || d->has(LayerDef::kTakesAct);  // (as an activation: "not linear")
  pos += len;
  if (d->has(LayerDef::kUnits)) {
    s.units = read_int(t, pos);
    if (s.units < 1) throw bad(std::string("expected a number of ") + d->units_name);
    if (s.units > kMaxUnits) throw bad("at most " + std::to_string(kMaxUnits) + " " + d->units_name);
  }
  if (d->has(LayerDef::kKernel) && pos < t.size() && t[pos] == 'k') {
    ++pos;
    s.kernel = read_int(t, pos);
    if (s.kernel < 1 || s.kernel > kMaxKernel) throw bad("kernel size must be 1.." + std::to_string(kMaxKernel));
  }
  if (d->has(LayerDef::kPadding) && pos < t.size() && t[pos] == '/') {
    const size_t end = std::min(t.find(':', pos), t.size());
    const std::string p = t.substr(pos + 1, end - pos - 1);
    if (p == "same") s.pad = Padding::Same;
    else if (p == "valid") s.pad = Padding::Valid;
    else throw bad("padding must be /same or /valid");
    pos = end;
  }
  if (d->has(LayerDef::kShape)) {
    const char* want = "expected reshape<C>x<H>x<W>";
    s.c = read_int(t, pos);
    if (s.c < 1 || pos >= t.size() || t[pos++] != 'x') throw bad(want);
    s.h = read_int(t, pos);
    if (s.h < 1 || pos >= t.size() || t[pos++] != 'x') throw bad(want);
    s.w = read_int(t, pos);
    if (s.w < 1) throw bad(want);
  }
  if (d->has(LayerDef::kAlpha) && pos < t.size() && t[pos] == ':') {
    // Plain decimals only ("0.1"; '-' separates tokens).
    const size_t start = ++pos;
    while (pos < t.size() && (std::isdigit(static_cast<unsigned char>(t[pos])) || t[pos] == '.')) ++pos;
    const std::string v = t.substr(start, pos - start);
    char* end = nullptr;
    const double a = v.empty() || v.size() > 12 ? -1 : std::strtod(v.c_str(), &end);
    if (v.empty() || v.size() > 12 || *end != '\0' || !(a >= 0 && a <= 1))
      throw bad("the slope must be a number in 0..1, e.g. lrelu:0.1");
    s.alpha = float(a);
  }
  if (d->has(LayerDef::kTakesAct) && pos < t.size() && t[pos] == ':') {
    ++pos;
    const LayerSpec a = parse_at(t, pos, whole, true);
    s.has_act = a.has_act;
    if (a.has_act) s.act = a.kind, s.alpha = a.alpha;
  }
  if (pos != t.size()) throw bad("unexpected '" + t.substr(pos) + "'");
  return s;
}

// Splits a spec into tokens (lower case); '|' is a token of its own.
std::vector<std::string> tokenize(const std::string& spec) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] { if (!cur.empty()) out.push_back(lower(cur)), cur.clear(); };
  for (char ch : spec) {
    if (std::isspace(static_cast<unsigned char>(ch)) || ch == ',' || ch == '-' || ch == ';') flush();
    else if (ch == '|') { flush(); out.push_back("|"); }
    else cur += ch;
  }
  flush();
  return out;
}

}  // namespace

std::string layer_grammar() {
  std::string s;
  for (const auto& d : layer_table()) s += (s.empty() ? "" : " ") + std::string(d.grammar);
  return s;
}

LayerSpec parse_layer(const std::string& token) {
  const std::string t = lower(token);
  size_t pos = 0;
  return parse_at(t, pos, t, false);
}

std::string format_layer(const LayerSpec& s) {
  const LayerDef& d = layer_def(s.kind);
  std::string t = d.token;
  if (d.has(LayerDef::kUnits)) t += std::to_string(s.units);
  if (d.has(LayerDef::kKernel) && s.kernel != 3) t += "k" + std::to_string(s.kernel);
  if (d.has(LayerDef::kPadding) && s.pad == Padding::Valid) t += "/valid";
  if (d.has(LayerDef::kShape)) t += std::to_string(s.c) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w);
  if (d.has(LayerDef::kAlpha) && s.alpha != kLeakyAlpha) t += ":" + format_alpha(s.alpha);
  if (d.has(LayerDef::kTakesAct)) {
    if (!s.has_act) {
      t += ":linear";
    } else if (s.act != LayerKind::ReLU) {
      LayerSpec a;
      a.kind = s.act, a.alpha = s.alpha, a.has_act = false;
      t += ":" + format_layer(a);
    }
  }
  return t;
}

bool LayerSpec::operator==(const LayerSpec& o) const {
  return format_layer(*this) == format_layer(o) && bar_before == o.bar_before;
}

std::vector<LayerSpec> parse_spec(const std::string& spec) {
  std::vector<LayerSpec> rows;
  bool bar = false, seen_bar = false;
  for (const auto& t : tokenize(spec)) {
    if (t == "|") {
      if (seen_bar) throw Error("arch: only one '|' (encoder end) is allowed");
      bar = seen_bar = true;
      continue;
    }
    LayerSpec r = parse_layer(t);
    r.bar_before = bar;
    bar = false;
    rows.push_back(r);
  }
  if (bar) throw Error("arch: '|' (the end of the encoder) must come before a layer");
  return rows;
}

std::string format_spec(const std::vector<LayerSpec>& rows) {
  std::string s;
  for (const auto& r : rows) {
    if (r.bar_before) s += s.empty() ? "|" : " |";
    s += (s.empty() ? "" : " ") + format_layer(r);
  }
  return s;
}

std::vector<LayerSpec> widened(const std::vector<LayerSpec>& rows, double factor) {
  std::vector<LayerSpec> out = rows;
  int last = -1;
  for (size_t i = 0; i < out.size(); ++i)
    if (layer_def(out[i].kind).has(LayerDef::kUnits)) last = int(i);
  for (int i = 0; i < last; ++i) {
    LayerSpec& r = out[size_t(i)];
    if (layer_def(r.kind).has(LayerDef::kUnits)) r.units = std::max(1, int(std::lround(r.units * factor)));
  }
  return out;
}

}  // namespace dae
