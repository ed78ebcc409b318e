// present.cpp — see present.h.
#include "platform/present.h"

#include <GLES3/gl3.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "platform/gfx.h"
#include "imgui_impl_opengl3.h"
#include "shaders_embedded.h"

namespace present {
namespace {

// A rectangle of framebuffer pixels, y down as in ImGui: [x0, x1) × [y0, y1).
struct Rect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool empty() const { return x1 <= x0 || y1 <= y0; }
  long long area() const { return empty() ? 0 : (long long)(x1 - x0) * (y1 - y0); }
  bool overlaps(const Rect& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
  void unite(const Rect& o) {
    if (o.empty()) return;
    if (empty()) {
      *this = o;
      return;
    }
    x0 = std::min(x0, o.x0), y0 = std::min(y0, o.y0), x1 = std::max(x1, o.x1), y1 = std::max(y1, o.y1);
  }
  Rect cut(const Rect& o) const {
    return {std::max(x0, o.x0), std::max(y0, o.y0), std::min(x1, o.x1), std::min(y1, o.y1)};
  }
  // GL's scissor boxes {x, y, w, h} count rows from the bottom of a framebuffer fb_h high.
  static Rect from_gl(const int box[4], int fb_h) {
    return {box[0], fb_h - (box[1] + box[3]), box[0] + box[2], fb_h - box[1]};
  }
  void to_gl(int fb_h, int box[4]) const { box[0] = x0, box[1] = fb_h - y1, box[2] = x1 - x0, box[3] = y1 - y0; }
};

// What a draw list draws, in order: its triangles and images, each with a hash of everything
// that decides its pixels (vertices, texture, scissor box; an image's texture, version, place
// and colormap) and the pixels it can touch (its bounds cut to its scissor box: the backend,
// gfx's image callback and UiRenderer scissor every draw to its command's box).
struct Item {
  uint64_t key = 0;
  Rect box;
};

struct ListState {
  const ImDrawList* list = nullptr;
  uint64_t bytes = 0; // of its buffers and commands as ImGui built them (a quick first test)
  uint64_t hash = 0;  // of all items' keys
  Rect box;           // union of the items' boxes
  std::vector<Item> items;
};

struct Target {
  GLuint fbo = 0, tex = 0;
  int w = 0, h = 0;
  void resize(int width, int height) {
    if (width == w && height == h && fbo) return;
    if (!fbo) {
      glGenFramebuffers(1, &fbo);
      glGenTextures(1, &tex);
    }
    glBindTexture(GL_TEXTURE_2D, tex);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, tex, 0);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    w = width;
    h = height;
  }
};

std::vector<uint8_t> read_pixels(GLuint fbo, int w, int h) {
  std::vector<uint8_t> px(size_t(w) * h * 4);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo);
  glPixelStorei(GL_PACK_ALIGNMENT, 4);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  return px;
}

Target kept, reference;  // kept: the last frame, unless the screen keeps it (st.screen_kept)
std::vector<ListState> prev;
bool full_next = true, check_next = false;
int last_w = 0, last_h = 0;  // the framebuffer's size last frame
float clear_rgb[3] = {0, 0, 0};
Stats st;

uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdULL;
}

uint64_t hash_bytes(uint64_t h, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 0x100000001b3ULL;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, p + i, n - i);
  return mix(h, tail ^ n);
}

// A hash of a list's buffers and commands (images: what they show): equal means drawn the same.
uint64_t list_bytes(const ImDrawList* l) {
  uint64_t h = hash_bytes(0, l->VtxBuffer.Data, size_t(l->VtxBuffer.Size) * sizeof(ImDrawVert));
  h = hash_bytes(h, l->IdxBuffer.Data, size_t(l->IdxBuffer.Size) * sizeof(ImDrawIdx));
  for (const ImDrawCmd& c : l->CmdBuffer) {
    uint64_t image = 0;
    gfx::image_command(c, &image, nullptr);
    h = hash_bytes(h, &c.ClipRect, sizeof c.ClipRect);
    h = mix(mix(mix(h, uint64_t(uintptr_t(c.TextureId))), uint64_t(c.IdxOffset) << 32 | c.ElemCount),
            mix(uint64_t(uintptr_t(c.UserCallback)), image));
  }
  return h;
}

ListState describe(const ImDrawList* l, const ImDrawData* dd, int fb_h, uint64_t bytes) {
  ListState s;
  s.list = l;
  s.bytes = bytes;
  s.items.reserve(size_t(l->IdxBuffer.Size / 3));
  const ImVec2 off = dd->DisplayPos, sc = dd->FramebufferScale;
  const auto pixels = [&](float x0, float y0, float x1, float y1) {
    return Rect{int(std::floor((x0 - off.x) * sc.x)), int(std::floor((y0 - off.y) * sc.y)),
                int(std::ceil((x1 - off.x) * sc.x)), int(std::ceil((y1 - off.y) * sc.y))};
  };
  uint64_t h = 0;
  for (const ImDrawCmd& c : l->CmdBuffer) {
    int gl_box[4];
    uint64_t image_key = 0;
    ImVec4 image_rect;
    const bool image = c.UserCallback && gfx::image_command(c, &image_key, &image_rect);
    if (c.UserCallback && !image) continue;           // ResetRenderState
    if (!gfx::scissor_box(c, *dd, gl_box)) continue;  // clipped to nothing
    const Rect clip = Rect::from_gl(gl_box, fb_h);
    const uint64_t cmd_key = mix(mix(uint64_t(uint32_t(clip.x0)) << 32 | uint32_t(clip.y0),
                                     uint64_t(uint32_t(clip.x1)) << 32 | uint32_t(clip.y1)),
                                 uint64_t(uintptr_t(c.TextureId)));
    if (image) {
      Item it;
      it.key = mix(image_key, cmd_key);
      it.box = pixels(image_rect.x, image_rect.y, image_rect.z, image_rect.w).cut(clip);
      s.items.push_back(it);
      continue;
    }
    for (unsigned e = 0; e + 2 < c.ElemCount; e += 3) {
      const ImDrawVert* v[3];
      for (int k = 0; k < 3; ++k) v[k] = &l->VtxBuffer[int(c.VtxOffset + l->IdxBuffer[int(c.IdxOffset + e + unsigned(k))])];
      Item it;
      it.key = cmd_key;
      for (int k = 0; k < 3; ++k) it.key = hash_bytes(it.key, v[k], sizeof(ImDrawVert));
      const float x0 = std::min({v[0]->pos.x, v[1]->pos.x, v[2]->pos.x}), x1 = std::max({v[0]->pos.x, v[1]->pos.x, v[2]->pos.x});
      const float y0 = std::min({v[0]->pos.y, v[1]->pos.y, v[2]->pos.y}), y1 = std::max({v[0]->pos.y, v[1]->pos.y, v[2]->pos.y});
      it.box = pixels(x0, y0, x1, y1).cut(clip);
      s.items.push_back(it);
    }
  }
  for (Item& it : s.items) {
    if (it.box.empty()) it.box = Rect{};  // draws no pixel
    h = mix(h, it.key);
    s.box.unite(it.box);
  }
  s.hash = mix(h, s.items.size());
  return s;
}

// The pixels that may differ between two versions of a list: what the items between the longest
// common beginning and the longest common end cover, before and after. (Outside that, every
// pixel is drawn by the same items in the same order.)
Rect changed(const ListState& before, const ListState& after) {
  const std::vector<Item>& a = before.items;
  const std::vector<Item>& b = after.items;
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head].key == b[head].key) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail].key == b[b.size() - 1 - tail].key)
    ++tail;
  Rect r;
  for (size_t i = head; i < a.size() - tail; ++i) r.unite(a[i].box);
  for (size_t i = head; i < b.size() - tail; ++i) r.unite(b[i].box);
  return r;
}

// Appends the parts of `a` outside `b` to `out` (up to four rectangles).
void subtract(const Rect& a, const Rect& b, std::vector<Rect>& out) {
  if (!a.overlaps(b)) {
    out.push_back(a);
    return;
  }
  if (a.y0 < b.y0) out.push_back({a.x0, a.y0, a.x1, b.y0});                            // above b
  if (b.y1 < a.y1) out.push_back({a.x0, b.y1, a.x1, a.y1});                            // below b
  const int y0 = std::max(a.y0, b.y0), y1 = std::min(a.y1, b.y1);
  if (a.x0 < b.x0) out.push_back({a.x0, y0, b.x0, y1});                                // left of b
  if (b.x1 < a.x1) out.push_back({b.x1, y0, a.x1, y1});                                // right of b
}

// The rectangles to draw again, or {} with `full` set when everything must be.
std::vector<Rect> dirty_regions(const std::vector<ListState>& cur, int fb_w, int fb_h, bool& full) {
  std::unordered_map<const ImDrawList*, size_t> before;
  for (size_t i = 0; i < prev.size(); ++i) before[prev[i].list] = i;
  std::vector<Rect> dirty;
  std::vector<bool> still(prev.size(), false);
  long long last = -1;
  for (const ListState& s : cur) {
    auto it = before.find(s.list);
    if (it == before.end()) {
      dirty.push_back(s.box);
      continue;
    }
    const ListState& p = prev[it->second];
    still[it->second] = true;
    if (static_cast<long long>(it->second) < last) full = true;  // windows changed order
    last = static_cast<long long>(it->second);
    if (p.hash != s.hash) dirty.push_back(changed(p, s));
  }
  for (size_t i = 0; i < prev.size(); ++i)
    if (!still[i]) dirty.push_back(prev[i].box);
  if (full) return {};
  for (Rect& r : dirty) r = r.cut(Rect{0, 0, fb_w, fb_h});
  dirty.erase(std::remove_if(dirty.begin(), dirty.end(), [](const Rect& r) { return r.empty(); }), dirty.end());

  // Cut the rectangles into disjoint ones (each pixel is then drawn once): each keeps only the
  // parts that no earlier one covers.
  std::vector<Rect> disjoint;
  for (const Rect& d : dirty) {
    std::vector<Rect> pieces{d};
    for (const Rect& o : disjoint) {
      std::vector<Rect> left;
      for (const Rect& p : pieces) subtract(p, o, left);
      pieces.swap(left);
    }
    disjoint.insert(disjoint.end(), pieces.begin(), pieces.end());
  }
  dirty.swap(disjoint);
  long long area = 0;
  for (const Rect& r : dirty) area += r.area();
  if (area * 10 > (long long)fb_w * fb_h * 7) full = true;  // mostly dirty: one pass is cheaper
  return full ? std::vector<Rect>{} : dirty;
}

void clear(const Rect& r, int fb_h) {
  int box[4];
  r.to_gl(fb_h, box);
  glEnable(GL_SCISSOR_TEST);
  glScissor(box[0], box[1], box[2], box[3]);
  glClearColor(clear_rgb[0], clear_rgb[1], clear_rgb[2], 1.f);
  glClear(GL_COLOR_BUFFER_BIT);
}

// ImGui's triangles, drawn by shaders/ui.*.glsl with the blending and clipping of Dear ImGui's
// OpenGL backend, but each command's scissor box cut to the rectangles being redrawn. Each draw
// list keeps its vertices and indices on the GPU (a vertex array and two buffers of its own),
// uploaded again only when the list changed: a redrawn rectangle is drawn again by every list
// over it, and most of those are as they were (re-uploading them all took ~90 KB and a dozen
// buffer uploads a frame while the user drew, each a command the browser hands its GPU process).
struct UiRenderer {
  GLuint prog = 0;
  GLint u_proj = -1, u_texture = -1;
  struct ListBuffers {
    GLuint vao = 0, vbo = 0, ibo = 0;
    uint64_t bytes = 0;  // ListState::bytes of what they hold (0: nothing yet)
    bool seen = false;   // in this frame's draw data
  };
  std::unordered_map<const ImDrawList*, ListBuffers> lists;
  bool program_in_use = false;  // prog is the current program (an image draw changes it)

  bool init() {
    prog = gfx::program(kShader_ui_vert, kShader_ui_frag, "ui");
    if (!prog) return false;
    u_proj = glGetUniformLocation(prog, "u_proj");
    u_texture = glGetUniformLocation(prog, "u_texture");
    return true;
  }

  // The list's buffers, bound (its vertex array), holding its vertices and indices.
  void bind(const ImDrawList* l, uint64_t bytes) {
    ListBuffers& b = lists[l];
    const bool fresh = b.vao == 0;
    if (fresh) {
      glGenVertexArrays(1, &b.vao);
      glGenBuffers(1, &b.vbo);
      glGenBuffers(1, &b.ibo);
    }
    glBindVertexArray(b.vao);
    if (fresh) {
      glBindBuffer(GL_ARRAY_BUFFER, b.vbo);
      glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, b.ibo);  // part of the vertex array's state
      const GLsizei stride = sizeof(ImDrawVert);
      glEnableVertexAttribArray(0);
      glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, stride, (void*)offsetof(ImDrawVert, pos));
      glEnableVertexAttribArray(1);
      glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, stride, (void*)offsetof(ImDrawVert, uv));
      glEnableVertexAttribArray(2);
      glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, stride, (void*)offsetof(ImDrawVert, col));
    }
    if (b.bytes != bytes) {
      if (!fresh) glBindBuffer(GL_ARRAY_BUFFER, b.vbo);
      glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(l->VtxBuffer.Size) * sizeof(ImDrawVert), l->VtxBuffer.Data, GL_STREAM_DRAW);
      glBufferData(GL_ELEMENT_ARRAY_BUFFER, GLsizeiptr(l->IdxBuffer.Size) * sizeof(ImDrawIdx), l->IdxBuffer.Data, GL_STREAM_DRAW);
      b.bytes = bytes;
      ++st.uploads;
    }
  }

  // Frees the buffers of lists this frame's draw data does not hold (a closed window, a hidden
  // tab): they are uploaded again if they come back.
  void forget_unseen(const std::vector<ListState>& cur) {
    for (auto& [l, b] : lists) b.seen = false;
    for (const ListState& s : cur)
      if (auto it = lists.find(s.list); it != lists.end()) it->second.seen = true;
    for (auto it = lists.begin(); it != lists.end();) {
      if (it->second.seen) {
        ++it;
        continue;
      }
      glDeleteVertexArrays(1, &it->second.vao);
      glDeleteBuffers(1, &it->second.vbo);
      glDeleteBuffers(1, &it->second.ibo);
      it = lists.erase(it);
    }
  }

  void state(const ImDrawData& dd) {
    glEnable(GL_BLEND);
    glBlendEquation(GL_FUNC_ADD);
    glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
    glDisable(GL_CULL_FACE);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_STENCIL_TEST);
    glEnable(GL_SCISSOR_TEST);
    const float L = dd.DisplayPos.x, R = dd.DisplayPos.x + dd.DisplaySize.x;
    const float T = dd.DisplayPos.y, B = dd.DisplayPos.y + dd.DisplaySize.y;
    const float proj[16] = {2.0f / (R - L), 0, 0, 0, 0, 2.0f / (T - B), 0, 0, 0, 0, -1, 0, (R + L) / (L - R), (T + B) / (B - T), 0, 1};
    glUseProgram(prog);
    program_in_use = true;
    glUniformMatrix4fv(u_proj, 1, GL_FALSE, proj);
    glUniform1i(u_texture, 0);
    glActiveTexture(GL_TEXTURE0);
  }

  // Clears `regions` (disjoint) of the bound framebuffer and draws there what `dd` shows.
  // `cur[i]` describes dd.CmdLists[i].
  void draw(const ImDrawData& dd, const std::vector<ListState>& cur, const std::vector<Rect>& regions, int fb_h) {
    for (const Rect& r : regions) clear(r, fb_h);
    state(dd);
    GLuint bound = 0;  // the texture bound to unit 0 for the last triangles (0: unknown)
    for (int i = 0; i < dd.CmdListsCount; ++i) {
      const ImDrawList* l = dd.CmdLists[i];
      bool bound_list = false;  // its vertex array is bound
      for (const ImDrawCmd& c : l->CmdBuffer) {
        const bool image = c.UserCallback && gfx::image_command(c, nullptr, nullptr);
        if (c.UserCallback && !image) continue;  // ResetRenderState: the state is set per image below
        int box[4];
        if (!gfx::scissor_box(c, dd, box)) continue;
        const Rect sc = Rect::from_gl(box, fb_h);
        for (const Rect& r : regions) {
          const Rect x = sc.cut(r);
          if (x.empty()) continue;
          int cut[4];
          x.to_gl(fb_h, cut);
          if (image) {
            gfx::draw_image(c, dd, cut);  // its own program and vertex array; the rest of the state stays
            program_in_use = bound_list = false;
            bound = 0;
            continue;
          }
          if (!program_in_use) glUseProgram(prog), program_in_use = true;
          if (!bound_list) {
            bind(l, cur[size_t(i)].bytes);
            bound_list = true;
          }
          glScissor(cut[0], cut[1], cut[2], cut[3]);
          const GLuint tex = GLuint(intptr_t(c.GetTexID()));
          if (tex != bound) glBindTexture(GL_TEXTURE_2D, bound = tex);
          glDrawElements(GL_TRIANGLES, GLsizei(c.ElemCount), sizeof(ImDrawIdx) == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT,
                         (void*)(intptr_t(c.IdxOffset) * sizeof(ImDrawIdx)));
        }
      }
    }
    glBindVertexArray(0);
    glDisable(GL_SCISSOR_TEST);
    forget_unseen(cur);
  }
};
// The whole frame by Dear ImGui's own OpenGL backend into framebuffer `fbo` (0: the screen).
void draw_with_backend(ImDrawData* dd, GLuint fbo, int fb_w, int fb_h) {
  glBindFramebuffer(GL_FRAMEBUFFER, fbo);
  glViewport(0, 0, fb_w, fb_h);
  glDisable(GL_SCISSOR_TEST);
  glClearColor(clear_rgb[0], clear_rgb[1], clear_rgb[2], 1.f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(dd);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

UiRenderer ui;
int ui_ready = 0;  // 0 not tried yet, 1 ready, -1 its shaders failed

}  // namespace

void set_clear_color(float r, float g, float b) {
  clear_rgb[0] = r, clear_rgb[1] = g, clear_rgb[2] = b;
  full_next = true;
}

void set_screen_kept(bool on) {
  st.screen_kept = on;
  full_next = true;
}

void redraw_all() { full_next = true; }

void request_check() { check_next = true; }
const Stats& stats() { return st; }

void frame(ImDrawData* dd) {
  if (!dd || !dd->Valid) return;
  // The framebuffer's size as the backend computes it (it sets its viewport so).
  const int fb_w = int(dd->DisplaySize.x * dd->FramebufferScale.x), fb_h = int(dd->DisplaySize.y * dd->FramebufferScale.y);
  if (fb_w <= 0 || fb_h <= 0) return;
  ++st.frames;
  bool full = full_next || fb_w != last_w || fb_h != last_h;
  last_w = fb_w, last_h = fb_h;
  if (!st.screen_kept) kept.resize(fb_w, fb_h);
  const GLuint target = st.screen_kept ? 0 : kept.fbo;
  std::vector<ListState> cur;
  std::unordered_map<const ImDrawList*, ListState*> before;
  if (!full)
    for (ListState& p : prev) before[p.list] = &p;
  for (int i = 0; i < dd->CmdListsCount; ++i) {
    const ImDrawList* l = dd->CmdLists[i];
    const uint64_t bytes = list_bytes(l);
    auto it = before.find(l);
    if (it != before.end() && it->second->bytes == bytes) {
      // Unchanged: its items as they were, moved (prev is replaced by cur below; dirty_regions
      // reads only the hash and box of an entry whose hash is unchanged, and those stay).
      cur.push_back(std::move(*it->second));
    } else {
      cur.push_back(describe(l, dd, fb_h, bytes));
    }
  }
  std::vector<Rect> regions;
  if (!full) regions = dirty_regions(cur, fb_w, fb_h, full);
  prev = std::move(cur);
  full_next = false;

  if (!full && regions.empty() && !check_next) {
    ++st.skipped;  // the screen keeps the last frame
    return;
  }
  if (ui_ready == 0) ui_ready = ui.init() ? 1 : -1;
  if (ui_ready < 0) {  // no shaders of our own: Dear ImGui's backend draws every frame whole
    draw_with_backend(dd, 0, fb_w, fb_h);
    ++st.full;
    st.drawn_area += 1;
    full_next = true;
    return;
  }
  if (full) regions = {Rect{0, 0, fb_w, fb_h}};
  glBindFramebuffer(GL_FRAMEBUFFER, target);
  glViewport(0, 0, fb_w, fb_h);
  ui.draw(*dd, prev, regions, fb_h);
  for (const Rect& r : regions) st.drawn_area += double(r.area()) / (double(fb_w) * fb_h);
  ++(full ? st.full : regions.empty() ? st.skipped : st.partial);

  if (!st.screen_kept) {  // the kept frame to the screen (whose own buffer is not kept)
    glBindFramebuffer(GL_READ_FRAMEBUFFER, kept.fbo);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, 0);
    glDisable(GL_SCISSOR_TEST);
    glBlitFramebuffer(0, 0, fb_w, fb_h, 0, 0, fb_w, fb_h, GL_COLOR_BUFFER_BIT, GL_NEAREST);
  }
  glBindFramebuffer(GL_FRAMEBUFFER, 0);

  if (check_next) {  // the reference: Dear ImGui's own OpenGL backend, the whole frame
    check_next = false;
    reference.resize(fb_w, fb_h);
    draw_with_backend(dd, reference.fbo, fb_w, fb_h);
    const std::vector<uint8_t> a = read_pixels(target, fb_w, fb_h), b = read_pixels(reference.fbo, fb_w, fb_h);
    int64_t differing = 0;
    for (size_t i = 0; i < a.size(); i += 4)
      differing += std::memcmp(&a[i], &b[i], 3) != 0;  // RGB: the screen has no alpha
    st.check_differing = differing;
    ++st.checks;
  }
}

}  // namespace present
