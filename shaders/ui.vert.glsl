#version 300 es
// ImGui's triangles (web/present.cpp): position in display pixels, texture coordinate and colour
// per vertex, projected with an orthographic matrix over the display. The same arithmetic as
// Dear ImGui's OpenGL backend, which draws the full-frame reference the page is checked against.
precision highp float;

layout(location = 0) in vec2 a_pos;    // display pixels, origin top-left
layout(location = 1) in vec2 a_uv;     // into the command's texture (the font atlas)
layout(location = 2) in vec4 a_color;  // RGBA8, normalised

uniform mat4 u_proj;

out vec2 v_uv;
out vec4 v_color;

void main() {
  v_uv = a_uv;
  v_color = a_color;
  gl_Position = u_proj * vec4(a_pos.xy, 0.0, 1.0);
}
