# Emscripten-specific settings (placeholder; the wasm build work fills this in).
add_compile_options(-msimd128)
