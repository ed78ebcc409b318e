// gfx.cpp — see gfx.h.
#include "platform/gfx.h"

#include <GLES3/gl3.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>

#include "shaders_embedded.h"

namespace gfx {
namespace {

struct Program {
  GLuint id = 0, vao = 0;
  GLint u_rect = -1, u_viewport = -1, u_image = -1, u_colormap = -1, u_grid = -1, u_tile = -1,
        u_cell = -1, u_gap = -1;
  // The values its uniforms hold (a program keeps them between draws), so that a draw sets only
  // those that differ: the images of a frame mostly share colormap, tile, gap and viewport.
  std::map<GLint, std::array<float, 4>> held;
  bool differs(GLint loc, float a, float b = 0, float c = 0, float d = 0) {
    const std::array<float, 4> v{a, b, c, d};
    auto [it, added] = held.try_emplace(loc, v);
    if (added) return true;
    if (it->second == v) return false;
    it->second = v;
    return true;
  }
} prog;

// One pending image draw; lives until the frame has been rendered.
struct Request {
  GLuint tex;
  uint64_t version;
  int cols, rows, count, tw, th;
  ImVec2 p0, cell;
  float gap;
  int cmap;
};
std::deque<Request> requests;

GLuint compile(GLenum type, const char* src, const char* name) {
  GLuint s = glCreateShader(type);
  glShaderSource(s, 1, &src, nullptr);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[2048] = {0};
    glGetShaderInfoLog(s, sizeof log, nullptr, log);
    std::printf("shader %s does not compile: %s\n", name, log);
  }
  return s;
}

void render_request(const ImDrawList*, const ImDrawCmd* cmd);

}  // namespace

// The scissor box Dear ImGui's OpenGL backend sets for a command (GL's rows count from the
// bottom; fractions of pixels cut away): {x, y, w, h}, or false when the command clips to nothing.
bool scissor_box(const ImDrawCmd& cmd, const ImDrawData& dd, int box[4]) {
  const ImVec2 off = dd.DisplayPos, scale = dd.FramebufferScale;
  const float fb_h = float(int(dd.DisplaySize.y * scale.y));
  const ImVec2 lo((cmd.ClipRect.x - off.x) * scale.x, (cmd.ClipRect.y - off.y) * scale.y);
  const ImVec2 hi((cmd.ClipRect.z - off.x) * scale.x, (cmd.ClipRect.w - off.y) * scale.y);
  if (hi.x <= lo.x || hi.y <= lo.y) return false;
  box[0] = int(lo.x), box[1] = int(fb_h - hi.y), box[2] = int(hi.x - lo.x), box[3] = int(hi.y - lo.y);
  return true;
}

void draw_image(const ImDrawCmd& cmd, const ImDrawData& dd, const int box[4]) {
  const Request& r = *static_cast<const Request*>(cmd.UserCallbackData);
  if (!prog.id || box[2] <= 0 || box[3] <= 0) return;
  const ImVec2 off = dd.DisplayPos, scale = dd.FramebufferScale;
  const float fb_w = dd.DisplaySize.x * scale.x, fb_h = dd.DisplaySize.y * scale.y;
  glScissor(box[0], box[1], box[2], box[3]);
  glUseProgram(prog.id);
  glBindVertexArray(prog.vao);
  glBindTexture(GL_TEXTURE_2D, r.tex);  // unit 0, the only one the page uses
  if (prog.differs(prog.u_colormap, float(r.cmap))) glUniform1i(prog.u_colormap, r.cmap);
  const float w = (r.cols * r.cell.x + (r.cols - 1) * r.gap) * scale.x;
  const float h = (r.rows * r.cell.y + (r.rows - 1) * r.gap) * scale.y;
  const float x = (r.p0.x - off.x) * scale.x, y = (r.p0.y - off.y) * scale.y;
  if (prog.differs(prog.u_rect, x, y, w, h)) glUniform4f(prog.u_rect, x, y, w, h);
  if (prog.differs(prog.u_viewport, fb_w, fb_h)) glUniform2f(prog.u_viewport, fb_w, fb_h);
  if (prog.differs(prog.u_grid, float(r.cols), float(r.rows), float(r.count))) glUniform3i(prog.u_grid, r.cols, r.rows, r.count);
  if (prog.differs(prog.u_tile, float(r.tw), float(r.th))) glUniform2i(prog.u_tile, r.tw, r.th);
  const float cw = r.cell.x * scale.x, ch = r.cell.y * scale.y, gap = r.gap * scale.x;
  if (prog.differs(prog.u_cell, cw, ch)) glUniform2f(prog.u_cell, cw, ch);
  if (prog.differs(prog.u_gap, gap)) glUniform1f(prog.u_gap, gap);
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
}

namespace {

// As an ImDrawList callback (Dear ImGui's backend calls it): clipped like the backend's own
// commands. present.cpp calls draw_image itself with a box cut to the part it redraws.
void render_request(const ImDrawList*, const ImDrawCmd* cmd) {
  const ImDrawData* dd = ImGui::GetDrawData();
  int box[4];
  if (!dd || !scissor_box(*cmd, *dd, box)) return;
  glEnable(GL_SCISSOR_TEST);
  glActiveTexture(GL_TEXTURE0);
  draw_image(*cmd, *dd, box);
}

}  // namespace

Image::~Image() {
  if (tex_) glDeleteTextures(1, &tex_);
}

void Image::set(const float* px, int w, int h) { set_tiles(px, 1, w, h, 1); }

void Image::set_tiles(const float* tiles, int count, int tw, int th, int cols) {
  if (count <= 0 || tw <= 0 || th <= 0) {
    count_ = 0;
    return;
  }
  cols = std::max(1, std::min(cols, count));
  const int rows = (count + cols - 1) / cols;
  const int W = cols * tw, H = rows * th;
  staging_.assign(size_t(W) * H, 0.f);
  for (int t = 0; t < count; ++t) {
    const int ox = (t % cols) * tw, oy = (t / cols) * th;
    const float* src = tiles + size_t(t) * tw * th;
    for (int y = 0; y < th; ++y) std::copy(src + size_t(y) * tw, src + size_t(y + 1) * tw, staging_.data() + size_t(oy + y) * W + ox);
  }
  if (!tex_) {
    glGenTextures(1, &tex_);
    glBindTexture(GL_TEXTURE_2D, tex_);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  } else {
    glBindTexture(GL_TEXTURE_2D, tex_);
  }
  // Rows of floats start on 4-byte boundaries: read right with GL_UNPACK_ALIGNMENT's default (4).
  if (W != tex_w_ || H != tex_h_) {
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, W, H, 0, GL_RED, GL_FLOAT, staging_.data());
    tex_w_ = W;
    tex_h_ = H;
  } else {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, W, H, GL_RED, GL_FLOAT, staging_.data());
  }
  static uint64_t versions = 0;
  version_ = ++versions;
  count_ = count;
  cols_ = cols;
  rows_ = rows;
  tw_ = tw;
  th_ = th;
}

GLuint program(const char* vert, const char* frag, const char* name) {
  GLuint vs = compile(GL_VERTEX_SHADER, vert, name);
  GLuint fs = compile(GL_FRAGMENT_SHADER, frag, name);
  GLuint id = glCreateProgram();
  glAttachShader(id, vs);
  glAttachShader(id, fs);
  glLinkProgram(id);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(id, GL_LINK_STATUS, &ok);
  if (!ok) {
    char log[2048] = {0};
    glGetProgramInfoLog(id, sizeof log, nullptr, log);
    std::printf("shader program %s does not link: %s\n", name, log);
    glDeleteProgram(id);
    return 0;
  }
  return id;
}

bool init() {
  prog.id = program(kShader_image_vert, kShader_image_frag, "image");
  if (!prog.id) return false;
  prog.u_rect = glGetUniformLocation(prog.id, "u_rect");
  prog.u_viewport = glGetUniformLocation(prog.id, "u_viewport");
  prog.u_image = glGetUniformLocation(prog.id, "u_image");
  prog.u_colormap = glGetUniformLocation(prog.id, "u_colormap");
  prog.u_grid = glGetUniformLocation(prog.id, "u_grid");
  prog.u_tile = glGetUniformLocation(prog.id, "u_tile");
  prog.u_cell = glGetUniformLocation(prog.id, "u_cell");
  prog.u_gap = glGetUniformLocation(prog.id, "u_gap");
  glGenVertexArrays(1, &prog.vao);
  glUseProgram(prog.id);
  glUniform1i(prog.u_image, 0);  // texture unit 0, for good (draw_image binds there)
  glUseProgram(0);
  return true;
}

void new_frame() { requests.clear(); }

bool image_command(const ImDrawCmd& cmd, uint64_t* hash, ImVec4* rect) {
  if (cmd.UserCallback != render_request) return false;
  const Request& r = *static_cast<const Request*>(cmd.UserCallbackData);
  uint64_t h = 1469598103934665603ULL;
  const auto add = [&h](uint64_t v) { h = (h ^ v) * 0x100000001b3ULL; };
  const auto f = [](float x) {
    uint32_t u;
    std::memcpy(&u, &x, 4);
    return uint64_t(u);
  };
  add(r.tex), add(r.version), add(uint64_t(r.cols) << 32 | uint32_t(r.rows)), add(uint64_t(r.count) << 32 | uint32_t(r.cmap));
  add(uint64_t(r.tw) << 32 | uint32_t(r.th)), add(f(r.p0.x) << 32 | f(r.p0.y)), add(f(r.cell.x) << 32 | f(r.cell.y));
  add(f(r.gap));
  if (hash) *hash = h;
  if (rect) *rect = ImVec4(r.p0.x, r.p0.y, r.p0.x + r.cols * r.cell.x + (r.cols - 1) * r.gap,
                 r.p0.y + r.rows * r.cell.y + (r.rows - 1) * r.gap);
  return true;
}

void draw(ImDrawList* dl, const Image& img, ImVec2 p0, ImVec2 cell, float gap, Colormap cmap) {
  if (img.empty() || !img.texture()) return;
  requests.push_back({img.texture(), img.version(), img.cols(), img.rows(), img.count(), img.tile_w(), img.tile_h(), p0, cell,
                      gap, int(cmap)});
  dl->AddCallback(render_request, &requests.back());
  dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
}

ImVec2 image(const Image& img, ImVec2 size, Colormap cmap, bool border) {
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p1(p0.x + size.x, p0.y + size.y);
  dl->AddRectFilled(p0, p1, IM_COL32(0, 0, 0, 255));
  if (!img.empty()) {
    const ImVec2 cell(size.x / img.cols(), size.y / img.rows());
    draw(dl, img, p0, cell, 0.f, cmap);
  }
  if (border) dl->AddRect(ImVec2(p0.x - 1, p0.y - 1), ImVec2(p1.x + 1, p1.y + 1), ImGui::GetColorU32(ImGuiCol_Border));
  return p0;
}

ImVec2 grid_size(const Image& img, float cell, float gap) {
  if (img.empty()) return ImVec2(0, 0);
  const float ch = cell * img.tile_h() / float(img.tile_w());
  return ImVec2(img.cols() * cell + (img.cols() - 1) * gap, img.rows() * ch + (img.rows() - 1) * gap);
}

ImVec2 grid(const Image& img, float cell, float gap, Colormap cmap) {
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const ImVec2 size = grid_size(img, cell, gap);
  if (img.empty()) return p0;
  ImGui::Dummy(size);
  draw(ImGui::GetWindowDrawList(), img, p0, ImVec2(cell, cell * img.tile_h() / float(img.tile_w())), gap, cmap);
  return p0;
}

}  // namespace gfx
