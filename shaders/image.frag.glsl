#version 300 es
// Grayscale images from a single-channel float texture (R32F or R8), nearest-neighbour zoom,
// optionally through a colour map. The texture is an atlas of `count` tiles of tile.x × tile.y
// texels laid out grid.x per row; the quad shows them as a grid of cells of `cell` pixels
// separated by `gap` pixels (gaps and unused cells are left to the window behind). A single
// image is a 1×1 grid with no gap.
precision highp float;
precision highp int;

uniform highp sampler2D u_image;
uniform int u_colormap;   // 0: gray, 1: heat (dark blue -> magenta -> orange -> light yellow),
                          // 2: diverging (blue below 0.5, white at 0.5, red above)
uniform ivec3 u_grid;     // columns, rows, tile count
uniform ivec2 u_tile;     // tile size in texels
uniform vec2 u_cell;      // cell size in framebuffer pixels
uniform float u_gap;      // gap between cells in framebuffer pixels

in vec2 v_local;
out vec4 frag_color;

vec3 heat(float t) {
  const vec3 c0 = vec3(0.02, 0.02, 0.10);
  const vec3 c1 = vec3(0.30, 0.07, 0.50);
  const vec3 c2 = vec3(0.75, 0.20, 0.45);
  const vec3 c3 = vec3(0.98, 0.55, 0.15);
  const vec3 c4 = vec3(0.99, 0.97, 0.70);
  float s = clamp(t, 0.0, 1.0) * 4.0;
  if (s < 1.0) return mix(c0, c1, s);
  if (s < 2.0) return mix(c1, c2, s - 1.0);
  if (s < 3.0) return mix(c2, c3, s - 2.0);
  return mix(c3, c4, s - 3.0);
}

vec3 diverging(float t) {
  const vec3 lo = vec3(0.16, 0.36, 0.80);
  const vec3 mid = vec3(0.96, 0.96, 0.96);
  const vec3 hi = vec3(0.82, 0.22, 0.18);
  float s = clamp(t, 0.0, 1.0);
  return s < 0.5 ? mix(lo, mid, s * 2.0) : mix(mid, hi, s * 2.0 - 1.0);
}

void main() {
  vec2 pitch = u_cell + vec2(u_gap);
  ivec2 cell = ivec2(floor(v_local / pitch));
  vec2 inside = v_local - vec2(cell) * pitch;
  if (inside.x >= u_cell.x || inside.y >= u_cell.y) discard;       // a gap
  if (cell.x >= u_grid.x || cell.y >= u_grid.y) discard;
  int index = cell.y * u_grid.x + cell.x;
  if (index >= u_grid.z) discard;                                   // an unused cell
  ivec2 texel = ivec2(floor(inside / u_cell * vec2(u_tile)));
  texel = clamp(texel, ivec2(0), u_tile - 1);
  float v = texelFetch(u_image, cell * u_tile + texel, 0).r;
  vec3 rgb = u_colormap == 1 ? heat(v) : (u_colormap == 2 ? diverging(v) : vec3(clamp(v, 0.0, 1.0)));
  frag_color = vec4(rgb, 1.0);
}
