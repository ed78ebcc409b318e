// gfx.h — images on the GPU: float textures drawn with shaders/image.{vert,frag}.glsl inside
// ImGui windows (an ImDrawList callback, so images respect window clipping and order).
//
//   gfx::Image img;                                  // one texture (an atlas of tiles)
//   img.set(pixels, 28, 28);                         // one image, floats in [0,1]
//   img.set_tiles(tiles, n, 28, 28, cols);           // n images side by side in a grid
//   gfx::image(img, {120, 120});                     // an ImGui item showing it (nearest zoom)
//   gfx::grid(img, cell_px, gap_px);                 // the tiles as a grid of cells
#pragma once
#include <cstdint>
#include <vector>

#include "imgui.h"

namespace gfx {

enum Colormap { Gray = 0, Heat = 1, Diverging = 2 };

class Image {
 public:
  Image() = default;
  Image(const Image&) = delete;
  Image& operator=(const Image&) = delete;
  ~Image();
  // One image of w×h floats (row-major).
  void set(const float* px, int w, int h);
  void set(const std::vector<float>& px, int w, int h) { set(px.data(), w, h); }
  // `count` tiles of tw×th floats each (tile after tile), laid out `cols` per row.
  void set_tiles(const float* tiles, int count, int tw, int th, int cols);
  void clear() { count_ = 0; }
  bool empty() const { return count_ == 0; }
  int count() const { return count_; }
  int cols() const { return cols_; }
  int rows() const { return rows_; }
  int tile_w() const { return tw_; }
  int tile_h() const { return th_; }
  unsigned texture() const { return tex_; }
  // Changes whenever the pixels do (unique over all images of the page).
  uint64_t version() const { return version_; }

 private:
  unsigned tex_ = 0;
  uint64_t version_ = 0;
  int tex_w_ = 0, tex_h_ = 0;
  int count_ = 0, cols_ = 1, rows_ = 1, tw_ = 0, th_ = 0;
  std::vector<float> staging_;
};

// Compiles the shaders; false (and a message on the console) on failure.
bool init();
// A linked program from two shader sources (0, and a message on the console, on failure).
unsigned program(const char* vert, const char* frag, const char* name);

// Draws `img` (all its tiles) into the rectangle [p0, p1) of the current window's draw list.
void draw(ImDrawList* dl, const Image& img, ImVec2 p0, ImVec2 cell, float gap, Colormap cmap = Gray);

// ImGui items: reserve space, draw, and return the item's rectangle min.
ImVec2 image(const Image& img, ImVec2 size, Colormap cmap = Gray, bool border = true);
// A grid of the image's tiles, `cell` pixels each with `gap` between them.
ImVec2 grid(const Image& img, float cell, float gap, Colormap cmap = Gray);
// Size a grid() call will take.
ImVec2 grid_size(const Image& img, float cell, float gap);

// Called once per frame before building windows (recycles the callback records).
void new_frame();

// Whether `cmd` is an image draw (gfx's callback); if so, a hash of what it shows (texture,
// pixels' version, place, colormap) and the rectangle it covers in display coordinates
// (x0, y0, x1, y1), before clipping (either may be null). present.cpp tells changed windows by
// these.
bool image_command(const ImDrawCmd& cmd, uint64_t* hash, ImVec4* rect);
// The scissor box {x, y, w, h} (GL: rows from the bottom) Dear ImGui's OpenGL backend uses for
// `cmd`, fractions of pixels cut away; false if it clips to nothing.
bool scissor_box(const ImDrawCmd& cmd, const ImDrawData& dd, int box[4]);
// Draws image command `cmd` (image_command() is true) inside scissor box `box`; the caller has
// the scissor test on and texture unit 0 active. Leaves the image program and its vertex array
// bound.
void draw_image(const ImDrawCmd& cmd, const ImDrawData& dd, const int box[4]);

}  // namespace gfx
