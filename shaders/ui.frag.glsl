#version 300 es
// ImGui's triangles (web/present.cpp): vertex colour times the texture (glyphs: alpha coverage).
precision mediump float;

uniform sampler2D u_texture;

in vec2 v_uv;
in vec4 v_color;

layout(location = 0) out vec4 o_color;

void main() {
  o_color = v_color * texture(u_texture, v_uv.st);
}
