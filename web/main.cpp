// TEMPORARY browser app: proves the wasm toolchain (SDL2 + WebGL2 + Dear ImGui + embedded
// shaders + daecore link). The real app replaces this file with its own web/*.cpp.
//
// Draws a generated 28x28 grayscale "digit" with shaders/image.{vert,frag}.glsl (R8 texture,
// nearest filtering, optional colour map) next to an ImGui window, and sets
// window.dae = {ready: true} once a few frames have been rendered.

#include <SDL.h>
#include <GLES3/gl3.h>
#include <emscripten.h>
#include <emscripten/html5.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "imgui.h"
#include "imgui_impl_opengl3.h"
#include "imgui_impl_sdl.h"
#include "shaders_embedded.h"

namespace {

struct App {
  SDL_Window* window = nullptr;
  SDL_GLContext gl = nullptr;
  GLuint program = 0, vao = 0, texture = 0;
  GLint u_rect = -1, u_viewport = -1, u_image = -1, u_colormap = -1;
  bool colormap = false;
  bool show_demo = false;
  int clicks = 0;
  int frames = 0;
  bool ready_sent = false;
};
App app;

GLuint compile(GLenum type, const char* src, const char* name) {
  GLuint s = glCreateShader(type);
  glShaderSource(s, 1, &src, nullptr);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[1024] = {0};
    glGetShaderInfoLog(s, sizeof log, nullptr, log);
    std::printf("shader %s: %s\n", name, log);
  }
  return s;
}

bool init_image_pipeline() {
  GLuint vs = compile(GL_VERTEX_SHADER, kShader_image_vert, "image.vert");
  GLuint fs = compile(GL_FRAGMENT_SHADER, kShader_image_frag, "image.frag");
  app.program = glCreateProgram();
  glAttachShader(app.program, vs);
  glAttachShader(app.program, fs);
  glLinkProgram(app.program);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(app.program, GL_LINK_STATUS, &ok);
  if (!ok) return false;
  app.u_rect = glGetUniformLocation(app.program, "u_rect");
  app.u_viewport = glGetUniformLocation(app.program, "u_viewport");
  app.u_image = glGetUniformLocation(app.program, "u_image");
  app.u_colormap = glGetUniformLocation(app.program, "u_colormap");
  glGenVertexArrays(1, &app.vao);

  // A soft ring with a diagonal stroke: something recognisable at 28x28.
  const int n = 28;
  std::vector<std::uint8_t> pixels(n * n);
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      float dx = x - 13.5f, dy = y - 13.5f;
      float ring = std::exp(-std::pow((std::sqrt(dx * dx + dy * dy) - 8.0f) / 1.6f, 2.0f));
      float stroke = std::exp(-std::pow((dx - dy) / 1.4f, 2.0f)) * (std::fabs(dx) < 9 ? 1.f : 0.f);
      float v = std::fmin(1.0f, ring + stroke);
      pixels[y * n + x] = static_cast<std::uint8_t>(v * 255.0f + 0.5f);
    }
  glGenTextures(1, &app.texture);
  glBindTexture(GL_TEXTURE_2D, app.texture);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, n, n, 0, GL_RED, GL_UNSIGNED_BYTE, pixels.data());
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  return true;
}

void draw_image(float x, float y, float w, float h, int fb_w, int fb_h) {
  glUseProgram(app.program);
  glBindVertexArray(app.vao);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, app.texture);
  glUniform1i(app.u_image, 0);
  glUniform1i(app.u_colormap, app.colormap ? 1 : 0);
  glUniform4f(app.u_rect, x, y, w, h);
  glUniform2f(app.u_viewport, static_cast<float>(fb_w), static_cast<float>(fb_h));
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  glBindVertexArray(0);
}

void frame() {
  SDL_Event event;
  while (SDL_PollEvent(&event)) ImGui_ImplSDL2_ProcessEvent(&event);

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  // Headless browsers can run two frames with the same timestamp (pitfall 7).
  ImGuiIO& io = ImGui::GetIO();
  if (!(io.DeltaTime > 0.0f)) io.DeltaTime = 1.0f / 1000.0f;
  ImGui::NewFrame();

  ImGui::SetNextWindowPos(ImVec2(24, 24), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(380, 0), ImGuiCond_FirstUseEver);
  ImGui::Begin("Denoising autoencoder");
  ImGui::TextUnformatted("dae: wasm toolchain check (temporary app)");
  ImGui::Text("Display %.0f x %.0f, %.1f FPS", io.DisplaySize.x, io.DisplaySize.y, io.Framerate);
  if (ImGui::Button("Click me")) ++app.clicks;
  ImGui::SameLine();
  ImGui::Text("clicked %d times", app.clicks);
  ImGui::Checkbox("Colour map", &app.colormap);
  ImGui::Checkbox("ImGui demo window", &app.show_demo);
  ImGui::End();
  if (app.show_demo) ImGui::ShowDemoWindow(&app.show_demo);

  ImGui::Render();
  int fb_w = 0, fb_h = 0;
  SDL_GL_GetDrawableSize(app.window, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(0.10f, 0.11f, 0.13f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  float scale = io.DisplaySize.x > 0 ? fb_w / io.DisplaySize.x : 1.0f;
  draw_image(440 * scale, 24 * scale, 280 * scale, 280 * scale, fb_w, fb_h);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  SDL_GL_SwapWindow(app.window);

  // ImGui sizes auto-fitting windows over the first frames: report ready after a few.
  if (++app.frames == 3 && !app.ready_sent) {
    app.ready_sent = true;
    EM_ASM({
      window.dae = Object.assign(window.dae || {}, {ready: true});
      if (window.daeShell) window.daeShell.setStatus("");
    });
  }
}

}  // namespace

int main() {
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
    std::printf("SDL_Init: %s\n", SDL_GetError());
    return 1;
  }
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
  SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);

  double css_w = 1280, css_h = 800;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  app.window = SDL_CreateWindow("dae", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                                static_cast<int>(css_w), static_cast<int>(css_h),
                                SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  if (!app.window) {
    std::printf("SDL_CreateWindow: %s\n", SDL_GetError());
    return 1;
  }
  app.gl = SDL_GL_CreateContext(app.window);
  if (!app.gl) {
    std::printf("SDL_GL_CreateContext: %s\n", SDL_GetError());
    return 1;
  }
  SDL_GL_MakeCurrent(app.window, app.gl);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui::StyleColorsDark();
  ImGui_ImplSDL2_InitForOpenGL(app.window, app.gl);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  if (!init_image_pipeline()) std::printf("image shader program failed to link\n");

  emscripten_set_main_loop(frame, 0, 1);
  return 0;
}
