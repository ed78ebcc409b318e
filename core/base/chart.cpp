// chart.cpp — the palette, contrast and axis ticks. See chart.h.
#include "base/chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace dae {

const std::vector<Rgb>& palette() {
  static const std::vector<Rgb> p = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},
                                     {148, 103, 189}, {140, 86, 75},  {227, 119, 194}, {127, 127, 127},
                                     {188, 189, 34},  {23, 190, 207}};
  return p;
}

namespace {

// Relative luminance of an sRGB colour (WCAG 2).
double luminance(Rgb c) {
  auto lin = [](uint8_t v) {
    const double s = v / 255.0;
    return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

}  // namespace

double contrast_ratio(Rgb a, Rgb b) {
  const double la = luminance(a), lb = luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

// ---- ticks ----------------------------------------------------------------------------------------

namespace {

// The smallest of 1, 2 and 5 × 10^k at least `raw`.
double nice_step(double raw) {
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (m * p >= raw * 0.999) return m * p;
  return 10 * p;
}

// The multiples of `step` within [lo, hi].
std::vector<double> multiples(double lo, double hi, double step) {
  std::vector<double> t;
  for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; ++k)
    t.push_back(std::fabs(k) < 0.5 ? 0.0 : k * step);  // an exact 0, never -0
  return t;
}

std::vector<double> linear_ticks(double lo, double hi, int target) {
  const double step = nice_step((hi - lo) / std::max(1, target - 1));
  std::vector<double> t = multiples(lo, hi, step);
  if (t.size() < 3) t = multiples(lo, hi, nice_step(step * 0.4));  // the next finer step: 5→2, 2→1, 1→0.5
  return t;
}

std::vector<double> log_ticks(double lo, double hi, int target) {
  std::vector<double> t;
  for (double k = std::ceil(lo - 1e-9); k <= hi + 1e-9; ++k) t.push_back(k);
  if (t.size() >= 3) return t;
  t.clear();  // few decades: 2× and 5× between them too
  for (double k = std::floor(lo); k <= std::ceil(hi); ++k)
    for (double m : {1.0, 2.0, 5.0}) {
      const double v = k + std::log10(m);
      if (v >= lo - 1e-9 && v <= hi + 1e-9) t.push_back(v);
    }
  if (t.size() >= 3) return t;
  t.clear();  // within a factor of a few: linear ticks on the values, placed logarithmically
  for (double v : linear_ticks(std::pow(10.0, lo), std::pow(10.0, hi), target)) t.push_back(std::log10(v));
  return t;
}

// A linear axis' label of v: the decimals the step needs.
std::string linear_label(double v, double step) {
  char b[48];
  if (std::fabs(v) < step * 1e-9) v = 0;  // never "-0.0"
  if (std::fabs(v) >= 1e6 || std::fabs(step) < 1e-4) {
    std::snprintf(b, sizeof b, "%.3g", v);
    return b;
  }
  const int decimals = std::max(0, int(std::ceil(-std::log10(step) - 1e-9)));
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  return b;
}

// The decimals %.4g writes for v (a value in [0.001, 10000) or a mantissa in [1, 10)).
int decimals_of(double v) {
  char b[48];
  std::snprintf(b, sizeof b, "%.4g", v);
  const char* dot = std::strchr(b, '.');
  return dot ? int(std::strlen(dot + 1)) : 0;
}

std::vector<std::string> log_labels(const std::vector<double>& ticks) {
  bool fixed = true;  // all as plain decimals, else all as m×10^e
  for (double t : ticks) fixed = fixed && t >= -3 - 1e-9 && t < 4 - 1e-9;
  std::vector<double> shown;  // the value, or its mantissa
  std::vector<int> exps;
  int decimals = 0;
  for (double t : ticks) {
    const int e = int(std::floor(t + 1e-9));
    shown.push_back(fixed ? std::pow(10.0, t) : std::pow(10.0, t - e));
    exps.push_back(e);
    decimals = std::max(decimals, decimals_of(shown.back()));
  }
  std::vector<std::string> out;
  char b[64];
  for (size_t i = 0; i < ticks.size(); ++i) {
    if (fixed) std::snprintf(b, sizeof b, "%.*f", decimals, shown[i]);
    else std::snprintf(b, sizeof b, "%.*fe%d", decimals, shown[i], exps[i]);
    out.push_back(b);
  }
  return out;
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, bool log, int target) {
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return {};
  return log ? log_ticks(lo, hi, target) : linear_ticks(lo, hi, target);
}

std::vector<double> whole_ticks(double lo, double hi) {
  const std::vector<double> t = nice_ticks(lo, hi);
  const double step = std::max(1.0, t.size() > 1 ? std::round(t[1] - t[0]) : 1.0);
  std::vector<double> whole;
  for (double v = std::ceil(lo / step) * step; v <= hi + 1e-9; v += step) whole.push_back(v);
  return whole;
}

std::vector<std::string> tick_labels(const std::vector<double>& ticks, bool log) {
  if (log) return log_labels(ticks);
  const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
  std::vector<std::string> out;
  for (double v : ticks) out.push_back(linear_label(v, step));
  return out;
}

}  // namespace dae
