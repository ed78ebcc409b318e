#version 300 es
// Grayscale image from a single-channel (R8) texture, sampled with NEAREST filtering by the
// caller's texture parameters, optionally mapped through a colour map.
precision mediump float;

uniform sampler2D u_image;  // R8: 0 = black, 1 = white
uniform int u_colormap;     // 0: gray, 1: dark-blue -> magenta -> orange -> light-yellow

in vec2 v_uv;
out vec4 frag_color;

vec3 heat(float t) {
  // Piecewise-linear ramp through five colours.
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

void main() {
  float v = texture(u_image, v_uv).r;
  vec3 rgb = (u_colormap == 1) ? heat(v) : vec3(v);
  frag_color = vec4(rgb, 1.0);
}
