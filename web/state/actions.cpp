// actions.cpp — the run configuration being edited (dataset, architecture, training settings)
// and the actions the panels, the keyboard and window.dae share.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "state/app.h"
#include "study/sweep.h"

namespace app {

const std::vector<PanelDef>& panel_table() {
  static const std::vector<PanelDef> table = {
      {Panel::Data, "Data", "data", Slot::Setup, 5, draw_data},
      {Panel::Model, "Model", "model", Slot::Setup, 6, draw_model},
      {Panel::Files, "Files", "files", Slot::Setup, 7, draw_files},
      {Panel::Training, "Train", "train", Slot::Training, 0, draw_training},
      {Panel::Loss, "Loss", "loss", Slot::Loss, 1, draw_loss},
      {Panel::Draw, "Draw", "draw", Slot::Draw, 2, draw_draw},
      {Panel::Results, "Results", "results", Slot::Views, 3, draw_results},
      {Panel::Experiments, "Runs", "experiments", Slot::Views, 4, draw_experiments},
      {Panel::Inspect, "Inspect", "inspect", Slot::Views, 8, draw_inspect},
      {Panel::Latent, "Latent", "latent", Slot::Views, 9, draw_latent},
  };
  return table;
}

const char* layout_mode_name(LayoutMode m) {
  return m == LayoutMode::Wide ? "wide" : m == LayoutMode::Middle ? "middle" : "narrow";
}

bool in_first_pane(Panel p) {
  return panel_def(p).slot == Slot::Setup || p == Panel::Training || p == Panel::Experiments;
}

const PanelDef& panel_def(Panel p) {
  for (const PanelDef& d : panel_table())
    if (d.panel == p) return d;
  return panel_table().front();
}

int dataset_side(const App& a, const std::string& name, bool width) {
  if (const dae::Dataset* d = a.session.dataset(name)) return width ? d->w() : d->h();
  return dae::canonical_dataset_name(name) == "dhcd" ? 32 : 28;
}

std::string dataset_label(const App& a, const std::string& name) {
  const std::string n = dae::canonical_dataset_name(name);
  if (n == "mnist") return "MNIST digits";
  if (n == "dhcd") {
    const dae::Dataset* d = a.session.dataset("dhcd");
    if (d) return std::string("Devanagari digits") + (d->train.size() < 17000 ? " (bundled subset)" : " (full DHCD)");
    return "Devanagari digits";
  }
  return name.empty() ? "no dataset" : name;
}

void refresh_arch(App& a) {
  const int h = dataset_side(a, a.editor.cfg.dataset), w = dataset_side(a, a.editor.cfg.dataset, true);
  const std::string spec = dae::format_spec(a.editor.rows);
  if (!a.editor.check_memo.update(key(spec, h, w, a.editor.preset))) return;
  // A preset by its name, so the summary is titled with it.
  const std::string what = a.editor.preset.empty() ? spec : a.editor.preset;
  a.editor.check = a.session.check_arch(what, h, w);
  a.editor.arch_model.reset();
  if (a.editor.check.ok) {
    try {
      a.editor.arch_model = std::make_unique<dae::Model>(dae::Model::build(what, 1, h, w));
    } catch (const std::exception&) {
    }
  }
  a.editor.spec_text = a.editor.check.ok ? a.editor.check.spec : spec;
  a.editor.spec_error.clear();
}

void select_preset(App& a, const std::string& name, bool with_training) {
  const int h = dataset_side(a, a.editor.cfg.dataset), w = dataset_side(a, a.editor.cfg.dataset, true);
  const std::string spec = dae::Model::preset_spec(name, h, w);
  if (spec.empty()) return;
  if (with_training) dae::apply_preset_training(a.editor.cfg, name, [](const std::string&) { return false; });
  try {
    a.editor.rows = dae::parse_spec(spec);
    a.editor.preset = name;
  } catch (const std::exception& e) {
    a.editor.spec_error = e.what();
  }
  refresh_arch(a);
}

void set_rows(App& a, const std::vector<dae::LayerSpec>& rows) {
  a.editor.rows = rows;
  a.editor.preset.clear();
  const int h = dataset_side(a, a.editor.cfg.dataset), w = dataset_side(a, a.editor.cfg.dataset, true);
  const std::string spec = dae::format_spec(rows);
  const std::string canon = a.session.check_arch(spec, h, w).spec;
  for (const std::string& p : dae::Model::preset_names()) {
    const std::string ps = dae::Model::preset_spec(p, h, w);
    if (ps == spec || (!canon.empty() && a.session.check_arch(ps, h, w).spec == canon)) {
      a.editor.preset = p;
      break;
    }
  }
  refresh_arch(a);
}

std::string arch_for_config(const App& a) { return a.editor.preset.empty() ? dae::format_spec(a.editor.rows) : a.editor.preset; }

void select_dataset(App& a, const std::string& name) {
  if (!a.session.dataset(name)) return;
  dae::TrainConfig& c = a.editor.cfg;
  c.dataset = a.session.dataset(name)->name;
  a.browser.data_error.clear();
  const auto avail = a.session.available(name);
  if (avail.first > 0) c.train = std::min<size_t>(c.train ? c.train : avail.first, avail.first);
  if (avail.second > 0) c.val = std::min<size_t>(c.val ? c.val : avail.second, avail.second);
  if (!a.editor.preset.empty()) select_preset(a, a.editor.preset);  // e.g. dense depends on the size
  refresh_arch(a);
  // A bundled pretrained model follows the dataset (MNIST's model cannot denoise Devanagari's
  // 32×32 digits). It is a copy of a file on the site: replacing it loses nothing.
  const dae::ModelInfo& mi = a.session.model_info();
  const std::string canon = dae::canonical_dataset_name(c.dataset);
  if (mi.source == dae::ModelSource::Bundled && mi.dataset != canon && (canon == "mnist" || canon == "dhcd") &&
      a.files.pretrained_loading.empty())
    js_load_pretrained(a, canon);
}

const dae::RunRecord* described_run(const App& a) {
  if (a.status.has_run && (a.status.training || a.status.paused)) return a.session.run(a.status.run_id);
  return a.status.model.source == dae::ModelSource::Run ? a.session.run(a.status.model.run_id) : nullptr;
}

// The editor follows the model in memory (after a restore, an upload, selecting a run).
void apply_model_config(App& a) {
  const dae::TrainConfig& c = a.session.config();
  const int threads = a.threads;
  a.editor.cfg = c;
  a.editor.cfg.threads = threads;
  if (!a.session.dataset(c.dataset)) a.editor.cfg.dataset = a.session.dataset_names().empty() ? "mnist" : a.session.dataset_names()[0];
  const int h = dataset_side(a, a.editor.cfg.dataset), w = dataset_side(a, a.editor.cfg.dataset, true);
  const std::string spec = a.session.model() ? a.session.model()->spec() : c.arch;
  const std::string canon = a.session.check_arch(spec, h, w).spec;
  a.editor.preset.clear();
  for (const std::string& p : dae::Model::preset_names())
    if (p == spec || (!canon.empty() && a.session.check_arch(dae::Model::preset_spec(p, h, w), h, w).spec == canon)) {
      a.editor.preset = p;
      break;
    }
  try {
    a.editor.rows = dae::parse_spec(a.editor.preset.empty() ? (canon.empty() ? spec : canon)
                                                      : dae::Model::preset_spec(a.editor.preset, h, w));
  } catch (const std::exception& e) {
    a.editor.spec_error = e.what();
  }
  a.editor.check_memo.force();
  refresh_arch(a);
}

// One thread per core, at most kMaxThreads (more rarely pays on the page: the threads share the
// main thread's cores and memory bandwidth); one without cross-origin isolation.
int max_threads(const App& a) {
  return a.browser.threaded_build ? std::clamp(a.browser.hardware_threads, 1, kMaxThreads) : 1;
}

std::string threads_error(const App& a, int n) {
  if (!a.browser.threaded_build && n != 1) return "only 1 thread here: " + a.browser.single_reason;
  if (n < 1 || n > max_threads(a)) return "threads must be 1.." + std::to_string(max_threads(a)) + " here";
  return "";
}

bool dataset_arriving(const App& a, const std::string& name) {
  const std::string n = dae::canonical_dataset_name(name);
  return (n == "mnist" && !a.browser.mnist_done) || (n == "dhcd" && a.browser.dhcd_loading);
}

bool start_training(App& a, std::string* error) {
  a.editor.cfg.arch = arch_for_config(a);
  if (!a.session.dataset(a.editor.cfg.dataset) && dataset_arriving(a, a.editor.cfg.dataset)) {
    a.editor.train_waiting = dae::canonical_dataset_name(a.editor.cfg.dataset);  // start_waiting_run, main.cpp
    a.editor.train_error.clear();
    return true;
  }
  try {
    a.session.set_threads(a.threads);
    a.session.start(a.editor.cfg);
    a.editor.train_error.clear();
    a.hint_dismissed = true;
    return true;
  } catch (const std::exception& e) {
    a.editor.train_error = e.what();
    if (error) *error = e.what();
    return false;
  }
}

void toggle_pause(App& a) {
  if (a.session.training())
    a.session.pause();
  else if (a.session.paused())
    a.session.resume();
}

void start_from_scratch(App& a) {
  // Nothing is lost: a run in progress is stopped and kept with its model, like every run.
  a.editor.cfg.arch = arch_for_config(a);
  try {
    a.session.start_from_scratch();
    a.editor.train_error.clear();
  } catch (const std::exception& e) {
    a.editor.train_error = e.what();
  }
}

void select_run(App& a, int id) {
  try {
    a.session.select_run(id);
    a.exp.selected = id;
    apply_model_config(a);
  } catch (const std::exception& e) {
    a.files.error = e.what();
  }
}

void request_delete_run(App& a, int id) {
  const dae::RunRecord* r = a.session.run(id);
  if (!r) return;
  auto del = [&a, id] {
    try {
      const bool current = a.status.model.source == dae::ModelSource::Run && a.status.model.run_id == id;
      if (std::optional<dae::RunRecord> gone = a.session.delete_run(id)) {
        auto run = std::make_shared<dae::RunRecord>(std::move(*gone));
        push_undo(a, "Run #" + std::to_string(id) + " deleted, with its model and notes.", [run, current](App& b) {
          b.session.undelete_run(*run, current);
          b.exp.selected = run->id;
          if (current) apply_model_config(b);
        });
      }
      a.plot.overlay.erase(id);
      if (a.exp.selected == id) a.exp.selected = -1;
    } catch (const std::exception& e) {
      a.files.error = e.what();
    }
    return true;
  };
  if (!r->weights || r->downloaded) {  // nothing that exists only here
    del();
    return;
  }
  char text[400];
  std::snprintf(text, sizeof text,
                "Run #%d keeps its model (%s, %d epoch%s, val PSNR %s dB). It exists only in this page: deleting the "
                "run deletes the model too.",
                id, r->arch_name.c_str(), int(r->history.size()), r->history.size() == 1 ? "" : "s",
                fmt_num(r->final_val_psnr(), 2).c_str());
  a.confirm.ask("Delete run #" + std::to_string(id) + "?", text,
                {{"Download its model", [&a, id] { download_run_model(a, id); return false; }},
                 {"Delete run and model", del, true},
                 {"Cancel", nullptr}});
}

void push_undo(App& a, std::string what, std::function<void(App&)> undo) {
  a.undo.push_back({std::move(what), std::move(undo)});
}

bool undo_last(App& a) {
  if (a.undo.empty()) return false;
  App::UndoStep step = std::move(a.undo.back());
  a.undo.pop_back();
  try {
    step.undo(a);
  } catch (const std::exception& e) {
    a.files.error = "Undo failed: " + dae::message_of(e);
  }
  return true;
}

void drop_sweep_rest(App& a, int id) {
  const dae::Sweep* sw = a.session.sweep(id);
  if (!sw) return;
  const dae::Sweep before = *sw;
  const size_t left = a.session.sweep_left(before);
  a.session.drop_sweep_rest(id);
  push_undo(a, "Sweep #" + std::to_string(id) + ": its " + std::to_string(left) + " value" + (left == 1 ? "" : "s") +
                   " left dropped.",
            [before](App& b) { b.session.restore_sweep(before); });
}

void clear_drawing(App& a) {
  int side = 28, w = 28;
  if (const dae::Model* m = a.session.model()) {
    side = m->input_shape().h;
    w = m->input_shape().w;
  } else {
    side = dataset_side(a, a.editor.cfg.dataset);
    w = dataset_side(a, a.editor.cfg.dataset, true);
  }
  a.draw.side = side;
  a.draw.side_w = w;
  a.draw.drawn.assign(size_t(side) * size_t(w), 0.f);
  ++a.draw.drawn_rev;
}

}  // namespace app

// ---- sweeps along one axis (Experiments) -------------------------------------------------------

namespace app {

const std::vector<SweepAxis>& sweep_axes() {
  using P = dae::SweepPoint;
  static const std::vector<SweepAxis> axes = {
      {"noise level", "0.1, 0.3, 0.5, 0.7", false, false,
       "the amount of the noise chosen in Data (Gaussian: σ; salt and pepper: the share of pixels)",
       [](const App&, const std::string& v, P& p) {
         const dae::Noise::Kind kind = p.config.noise.kind;
         if (kind == dae::Noise::None) throw dae::Error("choose a noise kind in Data first");
         p.config.set("noise", std::string(kind == dae::Noise::Gaussian ? "gaussian:" : "sp:") + v);
         p.x = p.config.noise.amount;
       }},
      {"learning rate", "0.0003, 0.001, 0.003", true, false, dae::train_setting("lr").help,
       [](const App&, const std::string& v, P& p) {
         p.config.set("lr", v);
         p.x = p.config.lr;
       }},
      {"batch size", "16, 32, 64, 128", true, false, dae::train_setting("batch").help,
       [](const App&, const std::string& v, P& p) {
         p.config.set("batch", v);
         p.x = p.config.batch;
       }},
      {"epochs", "1, 2, 4", false, false, dae::train_setting("epochs").help,
       [](const App&, const std::string& v, P& p) {
         p.config.set("epochs", v);
         p.x = p.config.epochs;
       }},
      {"model", "seed, deep, best", false, true, "presets or layer specs (tokens separated by spaces)",
       [](const App&, const std::string& v, P& p) { p.config.set("arch", v); }},
      {"width", "0.5, 1, 2", true, false, "the filters (units) of every layer but the output one, times this factor",
       [](const App& a, const std::string& v, P& p) {
         char* end = nullptr;
         const double f = std::strtod(v.c_str(), &end);
         if (v.empty() || *end || !(f >= 0.125 && f <= 8)) throw dae::Error("a factor in 0.125..8");
         p.config.arch = dae::format_spec(dae::widened(a.editor.rows, f));
         p.value = "×" + v;
         p.x = f;
       }},
      {"seed", "0, 1, 2", false, false, "the random seed: how much of a difference is chance",
       [](const App&, const std::string& v, P& p) {
         p.config.set("seed", v);
         p.x = double(p.config.seed);
       }},
  };
  return axes;
}

const SweepAxis* sweep_axis(const std::string& name) {
  for (const SweepAxis& x : sweep_axes())
    if (name == x.name) return &x;
  return nullptr;
}

std::vector<dae::SweepPoint> sweep_points(App& a, const SweepAxis& axis, const std::string& values) {
  dae::TrainConfig base = a.editor.cfg;
  base.arch = arch_for_config(a);
  base.threads = a.threads;
  const std::string name = axis.name;
  std::vector<dae::SweepPoint> out;
  const auto items = dae::split_list(values, name);
  for (size_t i = 0; i < items.size(); ++i) {
    std::string v = items[i];
    v.erase(0, v.find_first_not_of(" \t"));
    v.erase(v.find_last_not_of(" \t") + 1);
    dae::SweepPoint p;
    p.config = base;
    p.value = v;
    p.x = double(i);
    try {
      axis.apply(a, v, p);
    } catch (const std::exception& e) {
      throw dae::Error(name + " '" + v + "': " + e.what());
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace app
