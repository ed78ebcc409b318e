#version 300 es
// A screen-aligned quad for an image or a grid of images, placed in framebuffer pixels.
// No vertex buffer: 4 vertices as GL_TRIANGLE_STRIP, corners from gl_VertexID.
precision highp float;

uniform vec4 u_rect;      // x, y, width, height in framebuffer pixels, origin top-left
uniform vec2 u_viewport;  // framebuffer width, height in pixels

out vec2 v_local;         // position inside the rect in framebuffer pixels, (0,0) = top-left

void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));  // (0,0) (1,0) (0,1) (1,1)
  vec2 pixel = u_rect.xy + corner * u_rect.zw;
  vec2 ndc = vec2(pixel.x / u_viewport.x * 2.0 - 1.0, 1.0 - pixel.y / u_viewport.y * 2.0);
  v_local = corner * u_rect.zw;
  gl_Position = vec4(ndc, 0.0, 1.0);
}
