// chart.h — what the CLI's figures (study/plot.h) and the page's Loss plot
// (web/panels/panel_loss.cpp) share: the series palette, the contrast of two colours, and the
// ticks of an axis (1-2-5 steps, decades on log axes, whole numbers for epochs) with one label
// format per axis.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace dae {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb& o) const { return r == o.r && g == o.g && b == o.b; }
  bool operator!=(const Rgb& o) const { return !(*this == o); }
};

// The series colours, in order: blue, orange, green, red, purple, brown, pink, gray, olive,
// cyan (ten hues that stay apart for most readers and on gray print). Figures draw the noisy
// input's line in the gray.
const std::vector<Rgb>& palette();
constexpr int kGrayHue = 7;

// The WCAG 2 contrast ratio of two colours: 1 (the same) to 21 (black on white).
double contrast_ratio(Rgb a, Rgb b);

// Tick positions for an axis from lo to hi: multiples of the smallest 1-2-5 step giving at most
// `target` ticks, all within [lo, hi], and at least three when the next finer step gives them.
// On a log axis (`log`: lo/hi are log10 values) the decades; 1, 2 and 5 in each decade when
// fewer than three decades are shown; and when those are fewer than three too, linear ticks on
// the values, placed logarithmically.
std::vector<double> nice_ticks(double lo, double hi, bool log = false, int target = 6);
// nice_ticks on whole numbers only (epochs): its step rounded, at least 1.
std::vector<double> whole_ticks(double lo, double hi);
// The ticks' labels, one format for the whole axis: on a linear axis as many decimals as the
// step needs ("0.25", "1500"; "%.3g" from a million up or for steps under 1e-4); on a log axis
// the values with the decimals the most precise one needs ("0.05 0.10 0.20"), or all as
// m×10^e when one lies outside [0.001, 10000) ("1e-4 1e-3 1e-2").
std::vector<std::string> tick_labels(const std::vector<double>& ticks, bool log = false);

}  // namespace dae
