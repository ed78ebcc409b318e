// panel_latent.cpp — the Latent panel: the representation the model learned, made visible. The
// codes (the encoder's output, core/train/latent.h) of the first validation images as a PCA map
// (or a t-SNE map, made in portions on the helper), one colour per class, made again as a run trains (on the helper, at most every 2 s); the
// digit on the Draw pad as a marker that moves as one draws; a click anywhere on the map decodes
// that place (between the clusters too); two images A and B mixed at t (a slider) decode to one
// digit turning into another; trails show where the points were on earlier maps.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "base/chart.h"
#include "state/app.h"

namespace app {

namespace {

constexpr int kLatentImages = 500;  // validation images on the map
constexpr int kTrailMaps = 4;       // earlier maps kept for the trails

constexpr int kTsneStep = 25;        // t-SNE iterations per helper job (~the Draw pad's job time)

// The codes of the snapshot's first validation images (on the helper), without a map yet.
std::shared_ptr<LatentView> encode_view(std::shared_ptr<const dae::ModelSnapshot> snap) {
  auto v = std::make_shared<LatentView>();
  if (!snap->val || snap->val->size() == 0) throw dae::Error("no validation images of the model's size");
  dae::check_has_encoder(*snap->model);
  dae::ThreadPool pool(1);
  const int n = int(std::min<size_t>(kLatentImages, snap->val->size()));
  v->codes = dae::encode_set(*snap->model, *snap->val, n, pool);
  v->labels.assign(snap->val->labels.begin(), snap->val->labels.begin() + n);
  v->snap = std::move(snap);
  return v;
}

// The extent of the view's points, with a margin.
void frame_points(LatentView& v) {
  const int n = v.codes.n;
  float x0 = 1e30f, x1 = -1e30f, y0 = 1e30f, y1 = -1e30f;
  for (int i = 0; i < n; ++i) {
    x0 = std::min(x0, v.map.xy[size_t(2 * i)]), x1 = std::max(x1, v.map.xy[size_t(2 * i)]);
    y0 = std::min(y0, v.map.xy[size_t(2 * i + 1)]), y1 = std::max(y1, v.map.xy[size_t(2 * i + 1)]);
  }
  const float mx = std::max(1e-6f, (x1 - x0) * 0.06f), my = std::max(1e-6f, (y1 - y0) * 0.06f);
  v.x0 = x0 - mx, v.x1 = x1 + mx, v.y0 = y0 - my, v.y1 = y1 + my;
}

// A PCA map of the snapshot's codes (on the helper).
std::shared_ptr<const LatentView> make_view(std::shared_ptr<const dae::ModelSnapshot> snap) {
  auto v = encode_view(std::move(snap));
  dae::ThreadPool pool(1);
  v->map = dae::make_map(v->codes, dae::MapMethod::Pca, dae::TsneOptions{}, pool);
  frame_points(*v);
  return v;
}

// What the view's points need (on the helper): the drawing's place, the clicked place decoded,
// A and B mixed, the hovered image's triple.
struct PointsJob {
  std::vector<float> drawing;
  double px = NAN, py = NAN;
  int a = -1, b = -1, hover = -1;
  float t = 0.5f;
};
LatentPoints compute_points(const LatentView& v, const PointsJob& j, dae::Context& ctx) {
  LatentPoints p;
  const dae::Model& m = *v.snap->model;
  const size_t dim = size_t(v.codes.dim), px = m.input_shape().per_image();
  if (j.drawing.size() == px) {
    std::vector<float> z(dim);
    dae::encode(m, j.drawing.data(), 1, z.data(), ctx);
    const auto xy = dae::place_on_map(v.map, v.codes, z.data());
    p.drawn_xy = {float(xy[0]), float(xy[1])};
  }
  if (std::isfinite(j.px)) {
    const std::vector<float> z = dae::code_at(v.map, v.codes, j.px, j.py);
    p.decoded.resize(px);
    dae::decode(m, z.data(), 1, p.decoded.data(), ctx);
  }
  if (j.a >= 0 && j.b >= 0 && j.a < v.codes.n && j.b < v.codes.n) {
    const std::vector<float> z = dae::mix_codes(v.codes.row(j.a), v.codes.row(j.b), v.codes.dim, j.t);
    p.mixed.resize(px);
    dae::decode(m, z.data(), 1, p.mixed.data(), ctx);
  }
  if (j.hover >= 0 && j.hover < v.codes.n) {
    p.hover = v.snap->result_row(size_t(j.hover), ctx);
    p.hover_index = j.hover;
  }
  return p;
}

void show_points(App& a, LatentPoints p) {
  LatentState& l = a.latent;
  const dae::Model* m = l.view ? l.view->snap->model.get() : nullptr;
  if (!m) return;
  const int h = m->input_shape().h, w = m->input_shape().w;
  if (!p.decoded.empty()) l.decoded.set(p.decoded, w, h);
  if (!p.mixed.empty()) l.mixed.set(p.mixed, w, h);
  if (p.hover_index >= 0) {
    std::vector<float> tiles(p.hover.noisy);
    tiles.insert(tiles.end(), p.hover.denoised.begin(), p.hover.denoised.end());
    tiles.insert(tiles.end(), p.hover.clean.begin(), p.hover.clean.end());
    l.hover_images.set_tiles(tiles.data(), 3, w, h, 3);
  }
  l.points = std::move(p);
}

void new_view(App& a, std::shared_ptr<const LatentView> v) {
  LatentState& l = a.latent;
  // The same images on a PCA map: the old points become a trail (each t-SNE map is laid out
  // afresh: its places say nothing of the last map's).
  if (l.view && l.view->codes.n == v->codes.n && v->map.method == dae::MapMethod::Pca &&
      l.view->map.method == dae::MapMethod::Pca) {
    l.trail.push_back(l.view->map.xy);
    if (int(l.trail.size()) > kTrailMaps) l.trail.erase(l.trail.begin());
  } else {
    l.trail.clear();
  }
  l.view = std::move(v);
  l.error.clear();
  ++l.maps;
  l.points_memo.force();  // the points again, on the new map
}

}  // namespace

namespace {

// A t-SNE map in portions of kTsneStep iterations, one helper job each (the Draw pad's jobs go in
// between); the last one shows the map. A newer model or method (generation) ends the chain.
struct TsneChain {
  std::shared_ptr<LatentView> view;
  std::unique_ptr<dae::TsneRun> run;
  int generation = 0;
};

void tsne_portion(App& a, std::shared_ptr<TsneChain> c) {
  a.work->submit(kLatentMapWork, [&a, c](dae::Context&) -> dae::Offload::Apply {
    try {
      dae::ThreadPool pool(1);
      if (!c->run) c->run = std::make_unique<dae::TsneRun>(c->view->codes, dae::TsneOptions{}, pool);
      c->run->step(kTsneStep, pool);
    } catch (const std::exception& e) {
      return [&a, msg = dae::message_of(e)]() { a.latent.error = msg, a.latent.tsne_busy = false; };
    }
    return [&a, c]() {
      LatentState& l = a.latent;
      if (c->generation != l.generation) return;  // an older map's: dropped
      l.tsne_done = c->run->iterations_done();
      ++l.tsne_portions;
      if (!c->run->done()) return tsne_portion(a, c);
      c->view->map.method = dae::MapMethod::Tsne;
      c->view->map.xy = c->run->points();
      frame_points(*c->view);
      l.tsne_busy = false;
      new_view(a, c->view);
    };
  });
}

// A new map of the model now: PCA in one job; t-SNE: the codes, then the portions.
void start_map(App& a, std::shared_ptr<const dae::ModelSnapshot> snap) {
  LatentState& l = a.latent;
  const int method = l.method, generation = l.generation;
  if (method == 1) l.tsne_busy = true, l.tsne_done = 0, l.tsne_portions = 0;
  a.work->submit(kLatentMapWork, [&a, snap, method, generation](dae::Context&) -> dae::Offload::Apply {
    try {
      if (method == 0) {
        auto v = make_view(snap);
        return [&a, v]() mutable { new_view(a, std::move(v)); };
      }
      auto c = std::make_shared<TsneChain>();
      c->view = encode_view(snap);
      c->generation = generation;
      return [&a, c]() { if (c->generation == a.latent.generation) tsne_portion(a, c); };
    } catch (const std::exception& e) {
      return [&a, msg = dae::message_of(e)]() {
        a.latent.error = msg, a.latent.tsne_busy = false;
        a.latent.view.reset();
      };
    }
  });
}

}  // namespace

void update_latent(App& a) {
  LatentState& l = a.latent;
  if (!l.visible) return;  // computed only while shown
  l.visible = false;
  // A t-SNE map being made is finished first (its portions hold the helper a few ms each).
  const Refresh::Due due = l.tsne_busy ? Refresh::Due{} : l.refresh.due(a.session, a.timing.now, std::to_string(l.method));
  if (due && due.snap) {
    ++l.generation;
    start_map(a, due.snap);
  }
  if (!l.view) return;
  if (!l.points_memo.update(key(a.draw.drawn_rev, l.maps, l.px, l.py, l.a, l.b, l.t, l.hover))) return;
  PointsJob j;  // only when something changed: it copies the drawing
  if (!a.draw.drawn.empty() && *std::max_element(a.draw.drawn.begin(), a.draw.drawn.end()) > 0) j.drawing = a.draw.drawn;
  j.px = l.px, j.py = l.py, j.a = l.a, j.b = l.b, j.t = l.t, j.hover = l.hover;
  a.work->submit(kLatentPointWork, [&a, v = l.view, j](dae::Context& ctx) -> dae::Offload::Apply {
    LatentPoints p = compute_points(*v, j, ctx);
    return [&a, v, p = std::move(p)]() mutable {
      if (a.latent.view == v) show_points(a, std::move(p));
    };
  });
}

namespace {

// Map coordinates ↔ screen.
struct Frame {
  ImVec2 p0, size;
  const LatentView* v;
  ImVec2 to_screen(float x, float y) const {
    return ImVec2(p0.x + (x - v->x0) / (v->x1 - v->x0) * size.x, p0.y + (1 - (y - v->y0) / (v->y1 - v->y0)) * size.y);
  }
  void to_map(ImVec2 s, double& x, double& y) const {
    x = v->x0 + double(s.x - p0.x) / size.x * (v->x1 - v->x0);
    y = v->y0 + (1 - double(s.y - p0.y) / size.y) * (v->y1 - v->y0);
  }
};

ImU32 class_colour(int c, int alpha = 255) {
  const dae::Rgb k = dae::palette()[size_t(c % 10)];
  return IM_COL32(k.r, k.g, k.b, alpha);
}

// The legend: one swatch per class.
void legend(const LatentView& v) {
  std::vector<int> count(10, 0);
  for (uint8_t c : v.labels) ++count[c % 10];
  for (int c = 0; c < 10; ++c) {
    if (!count[size_t(c)]) continue;
    ImGui::ColorButton(("##class" + std::to_string(c)).c_str(), ImGui::ColorConvertU32ToFloat4(class_colour(c)),
                       ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoPicker, ImVec2(12, 12));
    ImGui::SameLine(0, 3);
    ImGui::Text("%d", c);
    if (c < 9) ImGui::SameLine();
  }
}

// The points (and trails, the drawing, the clicked place, A and B) on the map; the hovered
// point's index, or -1.
int map_points(const LatentState& l, const Frame& f, ImDrawList* dl) {
  const LatentView& v = *l.view;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool inside = ImGui::IsItemHovered();
  int hover = -1;
  float best = 8 * 8;
  for (size_t t = 0; l.trails && t < l.trail.size(); ++t)
    for (int i = 0; i < v.codes.n; ++i)
      dl->AddLine(f.to_screen(l.trail[t][size_t(2 * i)], l.trail[t][size_t(2 * i + 1)]),
                  t + 1 < l.trail.size() ? f.to_screen(l.trail[t + 1][size_t(2 * i)], l.trail[t + 1][size_t(2 * i + 1)])
                                         : f.to_screen(v.map.xy[size_t(2 * i)], v.map.xy[size_t(2 * i + 1)]),
                  class_colour(v.labels[size_t(i)], 70));
  for (int i = 0; i < v.codes.n; ++i) {
    const ImVec2 s = f.to_screen(v.map.xy[size_t(2 * i)], v.map.xy[size_t(2 * i + 1)]);
    dl->AddCircleFilled(s, 2.6f, class_colour(v.labels[size_t(i)], 210));
    const float d = (s.x - mouse.x) * (s.x - mouse.x) + (s.y - mouse.y) * (s.y - mouse.y);
    if (inside && d < best) best = d, hover = i;
  }
  auto ring = [&](int i, const char* name) {
    if (i < 0 || i >= v.codes.n) return;
    const ImVec2 s = f.to_screen(v.map.xy[size_t(2 * i)], v.map.xy[size_t(2 * i + 1)]);
    dl->AddCircle(s, 7, IM_COL32(255, 255, 255, 255), 0, 2);
    dl->AddText(ImVec2(s.x + 8, s.y - 8), IM_COL32(255, 255, 255, 255), name);
  };
  ring(l.a, "A");
  ring(l.b, "B");
  if (l.points.drawn_xy.size() == 2) {
    const ImVec2 s = f.to_screen(l.points.drawn_xy[0], l.points.drawn_xy[1]);
    dl->AddCircle(s, 9, IM_COL32(255, 230, 80, 255), 0, 3);
    dl->AddText(ImVec2(s.x + 11, s.y - 8), IM_COL32(255, 230, 80, 255), "your digit");
    mark_at("latent_drawn", ImVec2(s.x - 9, s.y - 9), ImVec2(s.x + 9, s.y + 9));
  }
  if (std::isfinite(l.px)) {
    const ImVec2 s = f.to_screen(float(l.px), float(l.py));
    dl->AddLine(ImVec2(s.x - 7, s.y), ImVec2(s.x + 7, s.y), IM_COL32(255, 255, 255, 255), 2);
    dl->AddLine(ImVec2(s.x, s.y - 7), ImVec2(s.x, s.y + 7), IM_COL32(255, 255, 255, 255), 2);
  }
  return hover;
}

// The map itself: a square region that takes clicks (and taps); axes titled with the share of
// the variance each PCA axis holds.
void map_area(App& a) {
  LatentState& l = a.latent;
  const LatentView& v = *l.view;
  // Square, as large as the panel allows with the controls below it still in view.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::clamp(std::min(avail.x - 110, avail.y - 5 * ImGui::GetFrameHeightWithSpacing()), 160.f, 420.f);
  ImGui::TextColored(kMuted, "%s ↑", v.map.axis_label(1).c_str());
  Frame f{ImGui::GetCursorScreenPos(), ImVec2(side, side), &v};
  ImGui::InvisibleButton("##latent_map", f.size);
  mark("latent_map");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(f.p0, ImVec2(f.p0.x + side, f.p0.y + side), IM_COL32(22, 24, 30, 255));
  dl->AddRect(f.p0, ImVec2(f.p0.x + side, f.p0.y + side), IM_COL32(90, 96, 110, 255));
  const bool clicked = ImGui::IsItemClicked();
  dl->PushClipRect(f.p0, ImVec2(f.p0.x + side, f.p0.y + side), true);
  const int hover = map_points(l, f, dl);
  dl->PopClipRect();
  ImGui::TextColored(kMuted, "%s →", v.map.axis_label(0).c_str());
  l.hover = hover;
  if (hover >= 0 && l.points.hover_index == hover) {
    ImGui::BeginTooltip();
    ImGui::Text("validation image #%d · class %d", hover, int(v.labels[size_t(hover)]));
    gfx::grid(l.hover_images, 48, 4);
    ImGui::TextColored(kMuted, "noisy · denoised · clean");
    ImGui::EndTooltip();
  }
  if (!clicked) return;
  if (l.click_sets == 0 || hover < 0) {
    f.to_map(ImGui::GetIO().MousePos, l.px, l.py);
  } else {
    (l.click_sets == 1 ? l.a : l.b) = hover;
    l.click_sets = l.click_sets == 1 ? 2 : 1;  // A, then B, then A…
  }
}

// PCA or t-SNE; while a t-SNE map is being made, how far it is (the last map stays meanwhile).
void method_choice(LatentState& l) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Map");
  int m = l.method;
  for (int k = 0; k < 2; ++k) {
    const char* name = k == 0 ? "PCA" : "t-SNE";
    same_line_if_fits(name);
    ImGui::RadioButton(name, &m, k);
    item_role("radio", m == k, name);
    mark(k == 0 ? "latent_pca" : "latent_tsne");
  }
  if (m != l.method) {  // a new map at once: the portions of one being made stop
    l.method = m;
    ++l.generation;
    l.tsne_busy = false;
  }
  if (l.tsne_busy) {
    const std::string busy = "making the t-SNE map: " + std::to_string(l.tsne_done) + " of " +
                             std::to_string(dae::TsneOptions{}.iterations) + " iterations";
    same_line_if_fits(ImGui::CalcTextSize(busy.c_str()).x);
    ImGui::TextColored(kMuted, "%s", busy.c_str());
    shown("latent_busy", busy, kMuted);
  }
}

// What a click does, the picked A and B, t, and the decoded images.
void point_controls(App& a) {
  LatentState& l = a.latent;
  const int n = l.view->codes.n;
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("A click on the map");
  same_line_if_fits("decodes that place");
  ImGui::RadioButton("decodes that place", &l.click_sets, 0);
  item_role("radio", l.click_sets == 0, "decodes that place");
  mark("latent_click_decode");
  same_line_if_fits("picks A, then B");
  ImGui::RadioButton("picks A, then B", &l.click_sets, 1);
  item_role("radio", l.click_sets != 0, "picks A, then B");
  mark("latent_click_pick");
  ImGui::Checkbox("trails", &l.trails);
  mark("latent_trails");
  if (ImGui::IsItemHovered()) tooltip("Where the points were on the last maps");
  label("A", 0);
  ImGui::SetNextItemWidth(90);
  if (ImGui::InputInt("##latent_a", &l.a, 0, 0)) l.a = std::clamp(l.a, -1, n - 1);
  ImGui::SameLine();
  label("B", ImGui::GetCursorPosX());
  ImGui::SetNextItemWidth(90);
  if (ImGui::InputInt("##latent_b", &l.b, 0, 0)) l.b = std::clamp(l.b, -1, n - 1);
  same_line_if_fits(160);  // the slider t, at least 160 wide
  slider_float("##latent_t", &l.t, 0.f, 1.f, "t = %.2f", 0);
}

// The clicked place decoded, and the mix of A and B, beside the map.
void decoded_images(const LatentState& l) {
  const float cell = 84;
  if (!l.decoded.empty()) {
    ImGui::BeginGroup();
    gfx::image(l.decoded, ImVec2(cell, cell));
    mark("latent_decoded");
    ImGui::TextColored(kMuted, "the clicked place");
    ImGui::EndGroup();
  }
  if (!l.mixed.empty() && l.a >= 0 && l.b >= 0) {
    ImGui::BeginGroup();
    gfx::image(l.mixed, ImVec2(cell, cell));
    mark("latent_mixed");
    char b[64];
    std::snprintf(b, sizeof b, "(1 − %.2f)·A + %.2f·B", l.t, l.t);
    ImGui::TextColored(kMuted, "%s", b);
    ImGui::EndGroup();
  }
}

}  // namespace

void draw_latent(App& a) {
  LatentState& l = a.latent;
  l.visible = true;
  section("Latent space",
          "The encoder maps each image to a code (the layers before the '|': 64×7×7 = 3,136 numbers for seed). "
          "Each point is one validation image's code, placed by PCA on its two main axes (or by t-SNE, which keeps "
          "neighbours together) and coloured by class. The map is made again as a run trains. Click anywhere to see what the decoder makes of that place, "
          "between the clusters too; pick two images to morph one into the other.");
  if (!a.session.has_model()) {
    wrapped(kMuted, "No model yet: train one, or upload a file.");
    return;
  }
  if (!l.error.empty()) {
    wrapped(kBad, "No map for this model: " + l.error);
    shown("latent_error", l.error, kBad);
    return;
  }
  if (!l.view) {
    ImGui::TextColored(kMuted, "making the map…");
    return;
  }
  const std::string what = "Codes of " + std::to_string(l.view->codes.n) + " validation images, " +
                           std::to_string(l.view->codes.dim) + " numbers each; map " + std::to_string(l.maps);
  text_wrapped(what, &kMuted);
  shown("latent_what", what, kMuted);
  method_choice(l);
  legend(*l.view);
  ImGui::BeginGroup();
  map_area(a);
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  decoded_images(l);
  ImGui::EndGroup();
  point_controls(a);
}

}  // namespace app
