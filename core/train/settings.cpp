#include "train/settings.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "nn/model.h"

namespace dae {

// ---- the table ------------------------------------------------------------------------------------
const std::vector<SettingInfo>& train_settings() {
  using K = SettingKind;
  static const std::vector<SettingInfo> rows = {
      {"dataset", K::Text, 0, 0, "dataset", "NAME|DIR|ZIP", "mnist, dhcd, a folder of PNG class folders, or a .zip of one"},
      {"arch", K::Text, 0, 0, "architecture", "SPEC", "a preset or a layer spec (README: Architectures)"},
      {"noise", K::NoiseSpec, 0, 0, "noise", "KIND:AMOUNT", "gaussian:F (x + F·N(0,1), clipped) or sp:P (salt and pepper)"},
      {"loss", K::LossSpec, 0, 0, "loss", "bce|mse", "reconstruction loss"},
      {"epochs", K::Int, 1, 10000, "epochs", "N", "passes over the training images"},
      {"batch", K::Int, 1, 8192, "batch", "N", "images per Adam step"},
      {"lr", K::Real, 0, 10, "learning rate", "RATE", "Adam's learning rate"},
      {"train", K::Int, 0, 10000000, "train", "N", "training images (0 = all available)"},
      {"val", K::Int, 0, 10000000, "val", "N", "validation images (0 = all available)"},
      {"seed", K::Int, 0, double(TrainConfig::kMaxSeed), "seed", "S", "random seed (initial weights, noise, shuffling)"},
      {"threads", K::Int, 1, 256, "threads", "N", "worker threads (results do not depend on it)"},
      {"fresh_noise", K::Bool, 0, 0, "fresh_noise", "",
       "draw new noise every epoch (default: one noisy copy per image, as the worksheet)"},
  };
  return rows;
}

const SettingInfo& train_setting(const std::string& key) {
  std::string k = key;
  for (char& ch : k) if (ch == '-') ch = '_';
  for (const SettingInfo& st : train_settings())
    if (k == st.key) return st;
  throw Error("unknown training setting '" + printable(key) + "'");
}

std::string SettingInfo::flag() const {
  std::string f = key;
  std::replace(f.begin(), f.end(), '_', '-');
  return f;
}

std::string SettingInfo::name() const {
  return std::string(label) == key ? std::string(key) : std::string(label) + " (" + key + ")";
}

std::string SettingInfo::range() const {
  if (kind == SettingKind::Real) return "in (" + short_number(lo) + ", " + short_number(hi) + "]";
  if (kind == SettingKind::Int)
    return "an integer in " + thousands((unsigned long long)lo) + ".." + thousands((unsigned long long)hi);
  return "";
}

double SettingInfo::clamp(double v) const {
  if (kind == SettingKind::Real && !(v > lo)) return NAN;
  return std::clamp(v, lo, hi);
}

// ---- TrainConfig ----------------------------------------------------------------------------------
namespace {

// Stores a checked value into its field.
void store(TrainConfig& c, const SettingInfo& st, int64_t i, double d, const std::string& text, bool b) {
  const std::string k = st.key;
  if (k == "dataset") c.dataset = text;
  else if (k == "arch") c.arch = text;
  else if (k == "noise") c.noise = Noise::parse(text);
  else if (k == "loss") c.loss = parse_loss(text);
  else if (k == "epochs") c.epochs = int(i);
  else if (k == "batch") c.batch = int(i);
  else if (k == "lr") c.lr = d;
  else if (k == "train") c.train = size_t(i);
  else if (k == "val") c.val = size_t(i);
  else if (k == "seed") c.seed = uint64_t(i);
  else if (k == "threads") c.threads = int(i);
  else if (k == "fresh_noise") c.fresh_noise = b;
}

}  // namespace

const std::vector<std::string>& TrainConfig::keys() {
  static const std::vector<std::string> k = [] {
    std::vector<std::string> v;
    for (const SettingInfo& st : train_settings()) v.push_back(st.key);
    return v;
  }();
  return k;
}

void TrainConfig::set(const std::string& key, const std::string& text) {
  const SettingInfo& st = train_setting(key);
  const std::string shown = printable(text, 40);
  switch (st.kind) {
    case SettingKind::Int: {
      // Digits only: no sign, spaces, exponent or trailing text.
      const bool digits = !text.empty() && text.size() <= 18 &&
                          text.find_first_not_of("0123456789") == std::string::npos;
      const long long v = digits ? std::stoll(text) : -1;
      if (!digits || v < st.lo || double(v) > st.hi)
        throw Error(st.name() + " must be " + st.range() + ", got '" + shown + "'");
      store(*this, st, v, 0, "", false);
      return;
    }
    case SettingKind::Real: {
      char* end = nullptr;
      errno = 0;
      const double v = text.empty() || std::isspace(static_cast<unsigned char>(text[0])) ? NAN : std::strtod(text.c_str(), &end);
      if (!std::isfinite(v) || errno || end != text.c_str() + text.size() || !(v > st.lo && v <= st.hi))
        throw Error(st.name() + " must be a number " + st.range() + ", got '" + shown + "'");
      store(*this, st, 0, v, "", false);
      return;
    }
    case SettingKind::Bool: {
      const bool t = text == "1" || text == "true", f = text == "0" || text == "false";
      if (!t && !f) throw Error(st.name() + " must be true or false, got '" + shown + "'");
      store(*this, st, 0, 0, "", t);
      return;
    }
    default:
      store(*this, st, 0, 0, text, false);  // Noise::parse / parse_loss check their own text
  }
}

void TrainConfig::set(const std::string& key, const Json& v) {
  const SettingInfo& st = train_setting(key);
  switch (st.kind) {
    case SettingKind::Int: store(*this, st, json_int(v, st.name(), int64_t(st.lo), int64_t(st.hi)), 0, "", false); return;
    case SettingKind::Real: {
      const double d = v.is_number() ? v.get<double>() : NAN;
      if (!(d > st.lo && d <= st.hi))
        throw Error(st.name() + " must be a number " + st.range() + ", got " + (v.is_number() ? short_number(d) : json_kind(v)));
      store(*this, st, 0, d, "", false);
      return;
    }
    case SettingKind::Bool: store(*this, st, 0, 0, "", json_bool(v, st.name())); return;
    default: store(*this, st, 0, 0, json_string(v, st.name()), false);
  }
}

void TrainConfig::validate() const {
  // Everything set() checks, for configs assembled field by field.
  TrainConfig c;
  c.set("epochs", Json(epochs));
  c.set("batch", Json(batch));
  c.set("lr", std::isfinite(lr) ? Json(lr) : Json());  // (a NaN Json would be a number)
  c.set("train", Json(uint64_t(train)));
  c.set("val", Json(uint64_t(val)));
  c.set("seed", Json(seed));
  c.set("threads", Json(threads));
  Noise::parse(noise.str());
}

Json TrainConfig::to_json() const {
  Json j = Json::object();
  j["dataset"] = dataset;
  j["arch"] = arch;
  j["noise"] = noise.str();
  j["loss"] = loss_name(loss);
  j["epochs"] = epochs;
  j["batch"] = batch;
  j["lr"] = lr;
  j["train"] = uint64_t(train);
  j["val"] = uint64_t(val);
  j["seed"] = seed;
  j["fresh_noise"] = fresh_noise;
  return j;
}

std::string TrainConfig::text(const std::string& key) const {
  const SettingInfo& st = train_setting(key);
  const std::string k = st.key;
  if (k == "threads") return std::to_string(threads);  // not in to_json: not part of a run
  const Json v = to_json()[k];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return st.kind == SettingKind::Real ? short_number(v.get<double>()) : std::to_string(v.get<uint64_t>());
}

TrainConfig TrainConfig::from_json(const Json& j) { return from_json(j, TrainConfig()); }

TrainConfig TrainConfig::from_json(const Json& j, const TrainConfig& defaults) {
  if (!j.is_object()) throw Error("training config must be a JSON object, got " + json_kind(j));
  TrainConfig c = defaults;
  for (const auto& [key, value] : j.items()) c.set(key, value);
  c.validate();
  return c;
}

void apply_preset_training(TrainConfig& cfg, const std::string& preset,
                           const std::function<bool(const std::string&)>& given) {
  const Preset* p = Model::preset(preset);
  if (!p || p->training.epochs == 0) return;
  if (!given("epochs")) cfg.epochs = p->training.epochs;
  if (!given("batch")) cfg.batch = p->training.batch;
  if (!given("lr")) cfg.lr = p->training.lr;
}

}  // namespace dae
