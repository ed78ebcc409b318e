// panel_inspect.cpp — the Inspect panel: the first layer's weights (a convolution's filters, or
// a Dense layer's units as images of the input) and the feature maps of any layer for the drawn
// digit (a flat vector, like the dense autoencoder's code, as one strip).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "state/app.h"

namespace app {

namespace {

bool has_ink(const std::vector<float>& v) {
  return std::any_of(v.begin(), v.end(), [](float x) { return x > 0.05f; });
}

// The image the feature maps are computed for: the drawing, or (when the canvas is empty) the
// first Results image.
const std::vector<float>* source(const App& a, const char** what) {
  if (has_ink(a.draw.drawn)) {
    *what = "the drawn digit";
    return &a.draw.drawn;
  }
  if (!a.results.rows.empty()) {
    *what = "the first Results image (noisy), as the canvas is empty";
    return &a.results.rows[0].noisy;
  }
  *what = "nothing";
  return nullptr;
}

struct FeatureMaps {
  std::vector<float> values;  // c maps of h×w
  int c = 0, h = 0, w = 0;
};

// The helper's maps of `layer`: shown unless another layer was chosen meanwhile (its maps follow).
void show_maps(App& a, const FeatureMaps& m, int layer) {
  InspectState& in = a.inspect;
  if (layer != in.layer) return;
  in.fmap_c = m.c;
  in.fmap_h = m.h;
  in.fmap_w = m.w;
  in.fmap_values = m.values;
  in.fmaps.set_tiles(m.values.data(), m.c, m.w, m.h, std::min(m.c, 8));
}

}  // namespace

void update_inspect(App& a) {
  InspectState& in = a.inspect;
  if (!in.visible) return;  // computed only while shown
  in.visible = false;
  const Refresh::Due due = in.refresh.due(a.session, a.timing.now, key(in.layer, a.draw.drawn_rev, a.results.rows.size()));
  if (!due) return;
  in.filters.clear();
  if (!a.session.has_model()) {
    in.fmaps.clear();
    return;
  }
  int n = 0, h = 0, w = 0;
  const std::vector<float> f = a.session.first_layer_filters(n, h, w);  // the weights only: no forward pass
  in.filters_n = n;
  in.filters_h = h;
  in.filters_w = w;
  if (n > 0) in.filters.set_tiles(f.data(), n, w, h, std::min(n, h > 8 ? 8 : 16));
  in.filter_values = f;
  const char* what = nullptr;
  const std::vector<float>* src = source(a, &what);
  const int layers = int(a.session.model()->layers().size());
  in.layer = std::clamp(in.layer, -1, layers - 1);
  if (!src || src->size() != a.session.model()->input_shape().per_image() || !due.snap) {
    in.fmaps.clear();
    return;
  }
  // The feature maps from the helper (a forward pass); the ones on screen stay until they come.
  offload(
      *a.work, kInspectWork, due.snap,
      [image = *src, layer = in.layer](const dae::ModelSnapshot& snap, dae::Context& ctx) {
        FeatureMaps m;
        m.values = snap.feature_maps(image, layer, m.c, m.h, m.w, ctx);  // an error: take_work prints it
        return m;
      },
      [&a, layer = in.layer](const FeatureMaps& m) { show_maps(a, m, layer); });
}

namespace {

const char* const kColormaps[] = {"gray", "heat", "blue–white–red"};

// The first layer's weights: a convolution's filters, or a Dense layer's units as images.
void inspect_filters(App& a) {
  InspectState& in = a.inspect;
  const dae::Model* m = a.session.model();
  const bool dense_first = in.filters_n > 0 && in.filters_h == m->input_shape().h && in.filters_h > 8;
  const char* title = dense_first ? "First Dense layer: each unit's weights" : "First-layer filters";
  ImGui::TextUnformatted(title);
  ImGui::SameLine();
  if (in.filters_n > 0) ImGui::TextColored(kMuted, "%d × %d×%d", in.filters_n, in.filters_h, in.filters_w);
  shown("inspect_filters", std::string(title) + " " + std::to_string(in.filters_n) + " × " + std::to_string(in.filters_h) +
                               "×" + std::to_string(in.filters_w), kMuted);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(130);
  next_item_role("combobox", kColormaps[in.filter_cmap], "Filter colours");
  ImGui::Combo("##fcmap", &in.filter_cmap, kColormaps, 3);
  if (!in.filters.empty()) {
    same_line_if_fits("Save PNG");
    save_png_button(a, "filters", "the first layer's filters", "dae-filters.png", [&in, title]() -> FigureJob {
      return [f = dae::filters_figure(in.filter_values, in.filters_n, in.filters_h, in.filters_w,
                                      dae::Colormap(in.filter_cmap), title)](int zoom) { return dae::tiles_png(f, zoom); };
    });
  }
  if (in.filters.empty()) {
    ImGui::TextColored(kMuted, "The first layer with weights is neither a convolution nor a Dense layer on the image.");
    return;
  }
  const float avail = ImGui::GetContentRegionAvail().x;
  const float gap = 3;
  const int cols = in.filters.cols();
  const float cell = std::floor(std::min(dense_first ? 40.f : 30.f, (avail - gap * float(cols - 1)) / float(cols)));
  // Many Dense units: show the first rows only, in a scrolling child.
  const float rows_h = std::min(float(in.filters.rows()), dense_first ? 4.f : 8.f) * (cell + gap);
  ImGui::BeginChild("filters", ImVec2(0, rows_h + 4), false);
  gfx::grid(in.filters, cell, gap, gfx::Colormap(in.filter_cmap));
  if (ImGui::IsItemHovered()) tooltip("Each one scaled to its largest |w|: grey/white = 0");
  ImGui::EndChild();
  mark("inspect_filter_tiles");
}

// Which layer's feature maps, their colours, and for which image.
void fmaps_controls(App& a) {
  InspectState& in = a.inspect;
  const auto& layers = a.session.model()->layers();
  auto layer_name = [&](int i) {
    if (i < 0) return std::string("input");
    const auto& l = layers[size_t(i)];
    return std::to_string(i) + " " + l.layer->type() + " " + l.out.keras_str();
  };
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Feature maps after");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::min(220.f, ImGui::GetContentRegionAvail().x - 8));
  next_item_role("combobox", layer_name(in.layer), "Layer");
  if (ImGui::BeginCombo("##layer", layer_name(in.layer).c_str())) {
    for (int i = -1; i < int(layers.size()); ++i)
      if (choice(layer_name(i).c_str(), i == in.layer)) in.layer = i;
    ImGui::EndCombo();
  }
  mark("inspect_layer");
  same_line_if_fits(130);
  ImGui::SetNextItemWidth(130);
  next_item_role("combobox", kColormaps[in.fmap_cmap], "Feature map colours");
  ImGui::Combo("##mcmap", &in.fmap_cmap, kColormaps, 3);
  const char* what = nullptr;
  source(a, &what);
  if (!in.fmaps.empty()) {
    same_line_if_fits("Save PNG");
    const std::string title = (in.layer < 0 ? std::string("The input") : "Feature maps after layer " + layer_name(in.layer)) +
                              ", for " + what;
    save_png_button(a, "fmaps", "the feature maps", "dae-feature-maps.png", [&in, &title]() -> FigureJob {
      return [f = dae::maps_figure(in.fmap_values, in.fmap_c, in.fmap_h, in.fmap_w, dae::Colormap(in.fmap_cmap),
                                   title)](int zoom) { return dae::tiles_png(f, zoom); };
    });
  }
  wrapped(kMuted, std::string("for ") + what);
}

// A vector of units (e.g. the dense autoencoder's code): one strip, a cell per unit.
void fmaps_strip(const InspectState& in, float avail) {
  const float cell = std::max(3.f, std::floor(std::min(24.f, avail / float(in.fmap_w))));
  const ImVec2 p = ImGui::GetCursorScreenPos();
  gfx::draw(ImGui::GetWindowDrawList(), in.fmaps, p, ImVec2(cell * float(in.fmap_w), cell * 2),
            0, gfx::Colormap(in.fmap_cmap));
  ImGui::Dummy(ImVec2(cell * float(in.fmap_w), cell * 2));
  mark("fmap_strip");
  const std::string t = "a vector of " + std::to_string(in.fmap_w) + " units, scaled to its min..max";
  ImGui::TextColored(kMuted, "%s", t.c_str());
  shown("inspect_fmaps", t, kMuted);
}

// Channels: a tile each.
void fmaps_tiles(const InspectState& in, float avail) {
  const float gap = 3;
  const int cols = in.fmaps.cols();
  const float cell = std::floor(std::min(64.f, (avail - gap * float(cols - 1)) / float(cols)));
  gfx::grid(in.fmaps, std::max(cell, 8.f), gap, gfx::Colormap(in.fmap_cmap));
  mark("fmap_tiles");
  char t[96];
  std::snprintf(t, sizeof t, "%d channel%s of %d×%d, each scaled to its own min..max", in.fmap_c,
                in.fmap_c == 1 ? "" : "s", in.fmap_h, in.fmap_w);
  ImGui::TextColored(kMuted, "%s", t);
  shown("inspect_fmaps", t, kMuted);
}

void inspect_fmaps(const InspectState& in) {
  if (in.fmaps.empty()) {
    ImGui::TextColored(kMuted, "Draw a digit in the Draw panel.");
    return;
  }
  ImGui::BeginChild("fmaps", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
  const float avail = ImGui::GetContentRegionAvail().x;
  if (in.fmaps.count() == 1 && in.fmaps.tile_h() == 1) fmaps_strip(in, avail);
  else fmaps_tiles(in, avail);
  ImGui::EndChild();
}

}  // namespace

void draw_inspect(App& a) {
  a.inspect.visible = true;
  if (!a.session.has_model()) {
    ImGui::Spacing();
    wrapped(kMuted, "Train or upload a model to inspect its filters and feature maps.");
    return;
  }
  inspect_filters(a);
  ImGui::Spacing();
  ImGui::Separator();
  fmaps_controls(a);
  inspect_fmaps(a.inspect);
}

}  // namespace app
