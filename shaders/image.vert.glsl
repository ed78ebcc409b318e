#version 300 es
// Textured quad for an image (e.g. a 28x28 digit) placed in pixel coordinates.
// No vertex buffer: draw 4 vertices as GL_TRIANGLE_STRIP; the corners come from gl_VertexID.
precision highp float;

uniform vec4 u_rect;      // x, y, width, height in framebuffer pixels, origin top-left
uniform vec2 u_viewport;  // framebuffer width, height in pixels

out vec2 v_uv;            // (0,0) = first texel of the first row (top-left of the image)

void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));  // (0,0) (1,0) (0,1) (1,1)
  vec2 pixel = u_rect.xy + corner * u_rect.zw;
  vec2 ndc = vec2(pixel.x / u_viewport.x * 2.0 - 1.0, 1.0 - pixel.y / u_viewport.y * 2.0);
  v_uv = corner;
  gl_Position = vec4(ndc, 0.0, 1.0);
}
