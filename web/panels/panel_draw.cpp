// panel_draw.cpp — the Draw panel: draw a digit (mouse, pen or finger; the Eraser toggle or the
// right button erases) and see it noisy and denoised, live. The noise is the Data panel's: a
// change of noise, dataset or model re-noises and re-denoises at once, not at the next stroke.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "state/app.h"

namespace app {

namespace {

// Paints (or erases) a round brush along the segment a→b, in image pixels.
void paint(DrawState& d, ImVec2 a, ImVec2 b, bool erase) {
  const int h = d.side, w = d.side_w;
  const float r = d.brush;
  const float x0 = std::min(a.x, b.x) - r - 1, x1 = std::max(a.x, b.x) + r + 1;
  const float y0 = std::min(a.y, b.y) - r - 1, y1 = std::max(a.y, b.y) + r + 1;
  const float dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  for (int y = std::max(0, int(std::floor(y0))); y <= std::min(h - 1, int(std::ceil(y1))); ++y)
    for (int x = std::max(0, int(std::floor(x0))); x <= std::min(w - 1, int(std::ceil(x1))); ++x) {
      const float px = x + 0.5f, py = y + 0.5f;
      float t = len2 > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / len2 : 0.f;
      t = std::clamp(t, 0.f, 1.f);
      const float ex = a.x + t * dx - px, ey = a.y + t * dy - py;
      const float cover = std::clamp(r + 0.5f - std::sqrt(ex * ex + ey * ey), 0.f, 1.f);
      if (cover <= 0) continue;
      float& v = d.drawn[size_t(y) * size_t(w) + size_t(x)];
      v = erase ? std::min(v, 1.f - cover) : std::max(v, cover);
    }
  ++d.drawn_rev;
}

bool has_ink(const DrawState& d) {
  return std::any_of(d.drawn.begin(), d.drawn.end(), [](float v) { return v > 0.05f; });
}

// The helper's result for the drawing of revision `rev`: shown unless the canvas changed size
// meanwhile (a result of an older stroke is shown until the newer one arrives; the noisy image
// on screen is always the current drawing's, from update_drawing).
void show_denoised(App& a, dae::Triple t, uint64_t rev) {
  DrawState& d = a.draw;
  if (t.clean.size() != d.drawn.size() || !a.session.has_model()) return;
  d.out = std::move(t);
  d.img_denoised.set(d.out.denoised, d.side_w, d.side);
  d.has_output = true;
  if (d.stroke_pending && rev >= d.stroke_rev) {
    d.stroke_pending = false;
    d.latency_frames = a.timing.rendered - d.stroke_frame;
    d.max_latency_frames = std::max(d.max_latency_frames, d.latency_frames);
  }
  a.inspect.refresh.force();
}

}  // namespace

void update_drawing(App& a) {
  DrawState& d = a.draw;
  const dae::Model* m = a.session.model();
  const int side = m ? m->input_shape().h : dataset_side(a, a.editor.cfg.dataset);
  const int side_w = m ? m->input_shape().w : dataset_side(a, a.editor.cfg.dataset, true);
  if (side != d.side || side_w != d.side_w || d.drawn.size() != size_t(side) * size_t(side_w)) {
    clear_drawing(a);
    d.has_output = false;
  }
  const dae::Noise& noise = a.editor.cfg.noise;
  const Refresh::Due due =
      d.refresh.due(a.session, a.timing.now, key(d.drawn_rev, noise, d.noise_key, side, side_w, a.editor.cfg.dataset));
  if (!due) return;
  // The drawing and its noise at once (cheap); the denoised image from the helper.
  d.img_drawn.set(d.drawn, side_w, side);
  d.out.noisy = dae::Session::with_noise(d.drawn, noise, d.noise_key);
  d.img_noisy.set(d.out.noisy, side_w, side);
  if (!due.snap) {
    d.has_output = false;
    return;
  }
  offload(
      *a.work, kDrawWork, due.snap,
      [image = d.drawn, key = d.noise_key, noise](const dae::ModelSnapshot& snap, dae::Context& ctx) {
        return snap.denoise_drawing(image, key, noise, ctx);  // an error: take_work prints it
      },
      [&a, rev = d.drawn_rev](dae::Triple t) { show_denoised(a, std::move(t), rev); });
}

namespace {

// The tools above the pad: brush, eraser, clear, a validation digit, new noise.
void draw_tools(App& a) {
  DrawState& d = a.draw;
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Brush");
  ImGui::SameLine();
  slider_float("##brush", &d.brush, 0.5f, 3.5f, "%.1f px", 150);
  mark("brush");
  same_line_if_fits("Eraser on");
  // The colour is pushed and popped on the state the button was drawn with: a click turns the
  // state over in between (popping on the new state left the colour on every later button).
  const bool erasing = d.eraser;
  if (erasing) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.60f, 0.38f, 0.18f, 1.f));
  // One width for both labels: the tools after it stay where they are when it turns on (a
  // finger's pad moved under it when the row wrapped differently).
  const float eraser_w = ImGui::CalcTextSize("Eraser on").x + 2 * ImGui::GetStyle().FramePadding.x;
  if (ImGui::Button(erasing ? "Eraser on###eraser" : "Eraser###eraser", ImVec2(eraser_w, 0))) d.eraser = !d.eraser;
  if (erasing) ImGui::PopStyleColor();
  mark("eraser");
  if (ImGui::IsItemHovered()) tooltip("Erase with the finger or the left button (E); the right button always erases");
  same_line_if_fits("Clear");
  if (ImGui::Button("Clear")) clear_drawing(a);
  mark("clear_drawing");
  if (ImGui::IsItemHovered()) tooltip("C");
  same_line_if_fits("Use a digit");
  ImGui::BeginDisabled(a.results.rows.empty());
  if (ImGui::Button("Use a digit")) {
    const auto& t = a.results.rows[size_t(d.use_next++) % a.results.rows.size()];
    if (t.clean.size() == d.drawn.size()) {
      d.drawn = t.clean;
      ++d.drawn_rev;
    }
  }
  ImGui::EndDisabled();
  mark("use_digit");
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) tooltip("Copy a validation digit onto the canvas");
  same_line_if_fits("New noise");
  if (ImGui::Button("New noise")) ++d.noise_key;
  // Always there (disabled until the pad has ink and its output): a button appearing with the
  // first stroke moved the pad under the finger on a phone, where the row wraps.
  same_line_if_fits("Save PNG");
  const bool can_save = d.has_output && has_ink(d) && d.out.clean.size() == size_t(d.side) * size_t(d.side_w);
  const std::string note = "denoised by " + a.status.model.describe() + " · noise " + a.editor.cfg.noise.str();
  ImGui::BeginDisabled(!can_save);
  save_png_button(a, "draw", "the drawing, its noisy and its denoised image", "dae-drawing.png", [&d, &note]() -> FigureJob {
    return [f = dae::draw_figure(d.out, d.side, d.side_w, note)](int zoom) { return dae::tiles_png(f, zoom); };
  });
  ImGui::EndDisabled();
}

// Where the pad's parts go this frame (screen pixels).
struct PadLayout {
  int side, side_w;    // the image's size as the frame began (Clear may resize the drawing)
  float label_h;       // a caption's line
  float per_px;        // the image's longer side, in image pixels
  float cw, ch;        // the canvas
  float sw, sh;        // the noisy and the denoised image
  ImVec2 origin;       // the canvas' caption
  float y;             // the canvas' top
  ImVec2 noisy_at, den_at;
  float score_y;       // the scores under the small images
};

// The canvas is the largest image; noisy and denoised beside it when there is room, else below.
PadLayout pad_layout(const App& a, int side, int side_w) {
  PadLayout L;
  L.side = side, L.side_w = side_w;
  const float avail = ImGui::GetContentRegionAvail().x;
  const float gap = 12;
  L.label_h = ImGui::GetTextLineHeightWithSpacing();
  const bool narrow = a.layout.mode != LayoutMode::Wide;
  const float avail_h = ImGui::GetContentRegionAvail().y - L.label_h * 3 - 8;
  const bool stacked = narrow && avail < 520;  // phones, panes: canvas on top, the two results below
  L.per_px = float(std::max(side, side_w));
  const float per_px = L.per_px;
  float canvas;
  if (stacked) canvas = std::floor(std::min(avail, std::max(avail_h * 0.62f, per_px * 4)) / per_px) * per_px;
  else canvas = std::floor(std::min(avail * 0.46f, std::max(avail_h, per_px * 3)) / per_px) * per_px;
  canvas = std::max(canvas, per_px * 3);
  L.cw = canvas * side_w / per_px, L.ch = canvas * side / per_px;
  float small = stacked ? std::floor(std::min((avail - gap) * 0.5f, canvas * 0.7f))
                        : std::floor(std::min((avail - L.cw - 2 * gap) * 0.5f, canvas));
  small = std::max(small, per_px * 2);
  L.sw = small * side_w / per_px, L.sh = small * side / per_px;

  L.origin = ImGui::GetCursorScreenPos();
  L.y = L.origin.y + L.label_h;
  L.noisy_at = stacked ? ImVec2(L.origin.x, L.y + L.ch + L.label_h + 6) : ImVec2(L.origin.x + L.cw + gap, L.y);
  L.den_at = stacked ? ImVec2(L.origin.x + small + gap, L.noisy_at.y) : ImVec2(L.noisy_at.x + small + gap, L.y);
  L.score_y = std::max(L.noisy_at.y, L.den_at.y) + L.sh + 6;
  return L;
}

// The captions over the three images.
void pad_captions(const PadLayout& L) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  auto caption = [&](ImVec2 p, const char* text, const ImVec4& col) { dl->AddText(p, ImGui::GetColorU32(col), text); };
  char cap[64];
  std::snprintf(cap, sizeof cap, "draw here (%d×%d)", L.side_w, L.side);
  caption(L.origin, cap, ImGui::GetStyle().Colors[ImGuiCol_Text]);
  caption(ImVec2(L.noisy_at.x, L.noisy_at.y - L.label_h), "noisy", kMuted);
  caption(ImVec2(L.den_at.x, L.den_at.y - L.label_h), "denoised", kMuted);
}

// The pointer on the canvas (`active`: held there): a stroke paints, and the drawing's denoised
// image is asked for at once. Two fingers are a gesture (a pinch), not a stroke: the stroke the
// first finger began is taken back, and nothing is drawn until every finger is up.
void canvas_strokes(App& a, const PadLayout& L, bool active) {
  DrawState& d = a.draw;
  if (a.browser.fingers >= 2 && !d.gesture) {
    d.gesture = true;
    if (d.drawing && d.before_stroke.size() == d.drawn.size()) {
      d.drawn = d.before_stroke;
      ++d.drawn_rev;
    }
    d.drawing = false;
  }
  if (a.browser.fingers == 0 && !active) d.gesture = false;
  if (active && !d.gesture) {
    if (!d.drawing) d.before_stroke = d.drawn;
    const ImVec2 mp = ImGui::GetIO().MousePos;
    const ImVec2 p((mp.x - d.canvas_min.x) / L.cw * L.side_w, (mp.y - d.canvas_min.y) / L.ch * L.side);
    const bool erase = d.eraser || ImGui::IsMouseDown(ImGuiMouseButton_Right);
    if (!d.drawing) d.last = p;
    paint(d, d.last, p, erase);
    if (!d.stroke_pending) {
      d.stroke_pending = true;
      d.stroke_frame = a.timing.rendered;
      d.stroke_rev = d.drawn_rev;
    }
    update_drawing(a);  // the canvas now; its denoised image computed while this frame is drawn
    d.last = p;
    d.drawing = true;
  } else if (!active) {
    d.drawing = false;
  }
}

// Canvas: an invisible button that takes the pointer (mouse, pen or a finger).
void pad_canvas(App& a, const PadLayout& L) {
  DrawState& d = a.draw;
  ImGui::SetCursorScreenPos(ImVec2(L.origin.x, L.y));
  ImGui::InvisibleButton("canvas", ImVec2(L.cw, L.ch), ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const bool active = ImGui::IsItemActive();
  const ImVec2 cmin = ImGui::GetItemRectMin(), cmax = ImGui::GetItemRectMax();
  d.canvas_min = cmin;
  d.canvas_max = cmax;
  if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  canvas_strokes(a, L, active);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(cmin, cmax, IM_COL32(0, 0, 0, 255));
  gfx::draw(dl, d.img_drawn, cmin, ImVec2(L.cw, L.ch), 0);
  dl->AddRect(ImVec2(cmin.x - 1, cmin.y - 1), ImVec2(cmax.x + 1, cmax.y + 1),
              ImGui::GetColorU32(d.eraser ? kWarn : kAccent), 0, 0, 1.5f);
}

// The noisy and the denoised image (a frame saying "no model" until there is one).
void pad_outputs(const DrawState& d, const PadLayout& L) {
  ImGui::SetCursorScreenPos(L.noisy_at);
  gfx::image(d.img_noisy, ImVec2(L.sw, L.sh));
  ImGui::SetCursorScreenPos(L.den_at);
  if (d.has_output) {
    gfx::image(d.img_denoised, ImVec2(L.sw, L.sh));
  } else {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 at = L.den_at;
    ImGui::Dummy(ImVec2(L.sw, L.sh));
    dl->AddRect(at, ImVec2(at.x + L.sw, at.y + L.sh), ImGui::GetColorU32(ImGuiCol_Border));
    dl->AddText(ImVec2(at.x + 6, at.y + L.sh * 0.5f - 8), ImGui::GetColorU32(kMuted), "no model");
  }
}

// Scores under the small images.
void pad_scores(const DrawState& d, const PadLayout& L) {
  if (!d.has_output || !has_ink(d)) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const dae::Triple& t = d.out;
  char s1[64], s2[64];
  std::snprintf(s1, sizeof s1, "%.1f dB · %.2f", t.psnr_noisy, t.ssim_noisy);
  std::snprintf(s2, sizeof s2, "%.1f dB · %.2f", t.psnr_denoised, t.ssim_denoised);
  const bool better = t.psnr_denoised > t.psnr_noisy && t.ssim_denoised > t.ssim_noisy;
  dl->AddText(ImVec2(L.noisy_at.x, L.score_y), ImGui::GetColorU32(kMuted), s1);
  dl->AddText(ImVec2(L.den_at.x, L.score_y), ImGui::GetColorU32(better ? kGood : kBad), s2);
  dl->AddText(ImVec2(L.noisy_at.x, L.score_y + L.label_h), ImGui::GetColorU32(kMuted), "PSNR · SSIM vs the drawing");
  char alt[200];
  std::snprintf(alt, sizeof alt, "Your drawing denoised: PSNR %.1f dB, SSIM %.2f against the drawing (the noisy one: %.1f dB, %.2f).",
                t.psnr_denoised, t.ssim_denoised, t.psnr_noisy, t.ssim_noisy);
  say("draw_alt", alt);
}

// Under the pad: which model denoises, with which noise.
void pad_footer(const App& a, const PadLayout& L) {
  const float bottom = std::max(L.y + L.ch, L.score_y + 2 * L.label_h) + 4;
  ImGui::SetCursorScreenPos(ImVec2(L.origin.x, bottom));
  const dae::ModelInfo& mi = a.status.model;
  const std::string by = mi.source == dae::ModelSource::None ? "no model yet: train one or upload one"
                                                             : "denoised by " + mi.describe();
  wrapped(kMuted, by);
  shown("draw_model", by, kMuted);
  std::string line = "noise " + a.editor.cfg.noise.str() + " (Data panel)";
  if (mi.source != dae::ModelSource::None && mi.epochs_trained > 0 && mi.noise.str() != a.editor.cfg.noise.str())
    line += "; the model was trained with " + mi.noise.str();
  wrapped(kMuted, line);
}

}  // namespace

void draw_draw(App& a) {
  const int side = a.draw.side, side_w = a.draw.side_w;
  draw_tools(a);
  const PadLayout L = pad_layout(a, side, side_w);
  pad_captions(L);
  pad_canvas(a, L);
  pad_outputs(a.draw, L);
  pad_scores(a.draw, L);
  pad_footer(a, L);
}

}  // namespace app
