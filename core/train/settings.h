// settings.h — a training run's settings (TrainConfig) and the one table that describes them:
// each setting's name, kind, range, label and help. The CLI's flags and --help, the page's
// fields, clamps and tooltips, sweep plans and saved files all read this table; the defaults
// are TrainConfig's member initialisers.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/data.h"
#include "formats/json.h"
#include "nn/loss.h"

namespace dae {

// A run's settings. Every setting has one name — the CLI flag (with '-') and the JSON key
// (with '_') of model files, saved sessions and window.dae.train — and one range, checked in
// one place: set() from text (a CLI flag) or from JSON (a file, the page).
struct TrainConfig {
  std::string dataset = "mnist";  // mnist | dhcd | a folder or .zip (only recorded here)
  std::string arch = "seed";
  Noise noise;                    // gaussian:0.5 by default
  LossKind loss = LossKind::BCE;
  int epochs = 10;
  int batch = 128;
  double lr = 1e-3;
  size_t train = 8000, val = 2000;  // 0 = all available
  uint64_t seed = 0;                // at most 2^53−1 (exact in JSON and JavaScript)
  int threads = 1;                  // results do not depend on it
  bool fresh_noise = false;  // false: each image keeps one noisy version (the worksheet); true: new noise every epoch

  static constexpr uint64_t kMaxSeed = (uint64_t(1) << 53) - 1;
  // The names set() accepts, in the table's order: dataset arch noise loss epochs batch lr train
  // val seed threads fresh_noise.
  static const std::vector<std::string>& keys();
  // One setting from a CLI flag's text (strict: "12x" or " 12" is not a number) or from a JSON
  // value. Throws dae::Error naming the setting and its range ("epochs must be an integer in
  // 1..10,000, got 0"; "unknown training setting 'epoch'"); the config is unchanged then.
  void set(const std::string& key, const std::string& text);
  void set(const std::string& key, const Json& value);
  // The setting's value as a CLI flag would write it ("0.001", "gaussian:0.5", "true").
  std::string text(const std::string& key) const;
  // Throws dae::Error naming the first value out of range.
  void validate() const;
  Json to_json() const;  // every key but threads
  // The keys present in `j` set over `defaults`; unknown keys are an error.
  static TrainConfig from_json(const Json& j, const TrainConfig& defaults);
  static TrainConfig from_json(const Json& j);
};

// ---- the table ----------------------------------------------------------------------------------
enum class SettingKind { Int, Real, Text, Bool, NoiseSpec, LossSpec };
struct SettingInfo {
  const char* key;         // the JSON key; the CLI flag is the key with '-' for '_'
  SettingKind kind;
  double lo, hi;           // Int: lo..hi, inclusive; Real: (lo, hi]
  const char* label;       // how messages and the page name it: "learning rate"
  const char* value_name;  // the CLI's placeholder: "N", "RATE" (empty: a switch)
  const char* help;        // one line: the CLI's --help and the page's tooltip
  std::string flag() const;   // "fresh-noise"
  std::string name() const;   // "learning rate (lr)"; the key alone when the label is the key
  std::string range() const;  // "an integer in 1..10,000", "in (0, 10]"; empty for text kinds
  // `v` clamped into the range (Real: values ≤ lo are not clamped — there is no smallest
  // value above lo — and come back as NaN).
  double clamp(double v) const;
};
const std::vector<SettingInfo>& train_settings();
// The row of `key` ('-' or '_'); throws dae::Error "unknown training setting 'epoch'".
const SettingInfo& train_setting(const std::string& key);

// When `preset` names a preset with training settings of its own (`best`), sets cfg's epochs,
// batch and lr to them — each one unless `given(key)` says the user chose it (a CLI flag, a plan
// entry, a key of window.dae.train).
void apply_preset_training(TrainConfig& cfg, const std::string& preset,
                           const std::function<bool(const std::string&)>& given);

}  // namespace dae
