// dae_api.js — linked with --post-js: runs inside the Emscripten module's scope (FS, IDBFS,
// HEAPU8, ccall are in scope). Two parts:
//   Module.daeJS — what the C++ app calls: fetching the bundled data packs, file pickers
//                  (model / zip / folder imports written into MEMFS), downloads, IndexedDB sync;
//   window.dae   — the automation contract used by tests (issue 3), on top of exported C
//                  functions that take and return JSON strings and heap buffers (web/api.cpp).
/* global Module, FS, GL, IDBFS, HEAPU8, HEAP32, HEAPF32, ccall, _malloc, _free */
(function () {
  'use strict';

  function shell(text, fraction) {
    if (window.daeShell) window.daeShell.setStatus(text, fraction);
  }
  function call(name, ret, types, args) { return ccall(name, ret, types, args); }
  function flag(name, value) { call('dae_set_flag', null, ['string', 'number'], [name, value ? 1 : 0]); }
  function busy(text) { call('dae_set_busy', null, ['string'], [text || '']); }

  // Copies bytes into the wasm heap for the duration of fn(ptr, n).
  function withBytes(bytes, fn) {
    var ptr = _malloc(Math.max(1, bytes.length));
    HEAPU8.set(bytes, ptr);
    try { return fn(ptr, bytes.length); } finally { _free(ptr); }
  }

  // fetch() with a progress callback (bytes received, total or 0).
  function fetchBytes(url, progress) {
    return fetch(url, { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status + ' for ' + url);
      var total = response.headers.get('Content-Encoding') ? 0 :
                  Number(response.headers.get('Content-Length')) || 0;
      if (!response.body || !response.body.getReader) {
        return response.arrayBuffer().then(function (b) { return new Uint8Array(b); });
      }
      var reader = response.body.getReader(), chunks = [], received = 0;
      function pump() {
        return reader.read().then(function (step) {
          if (step.done) {
            var out = new Uint8Array(received), at = 0;
            chunks.forEach(function (c) { out.set(c, at); at += c.length; });
            return out;
          }
          chunks.push(step.value);
          received += step.value.length;
          if (progress) progress(received, total);
          return pump();
        });
      }
      return pump();
    });
  }

  var packLoads = {};  // name -> Promise

  function loadPack(name, select) {
    if (packLoads[name]) return packLoads[name];
    var label = name === 'mnist' ? 'MNIST' : name === 'dhcd' ? 'Devanagari digits' : name;
    var p = fetchBytes('data/' + name + '.daepack', function (got, total) {
      var mb = (got / 1048576).toFixed(1) + ' MB';
      busy('Loading ' + label + '… ' + mb);
      if (name === 'mnist') shell('Loading ' + label + '… ' + mb, total ? got / total : undefined);
    }).then(function (bytes) {
      busy('');
      var err = withBytes(bytes, function (ptr, n) {
        return call('dae_add_pack', 'string', ['number', 'number', 'string', 'number'],
                    [ptr, n, name + '.daepack', select ? 1 : 0]);
      });
      if (err) throw new Error(err);
      return true;
    }).catch(function (e) {
      busy('');
      delete packLoads[name];
      console.error('dae: loading data/' + name + '.daepack failed: ' + (e && e.message ? e.message : e));
      call('dae_pack_failed', null, ['string', 'string'], [name, String(e && e.message ? e.message : e)]);
      throw e;
    });
    packLoads[name] = p;
    return p;
  }

  // ---- IndexedDB ---------------------------------------------------------------------------
  var syncing = false, syncAgain = false;
  function syncPersist() {
    if (syncing) { syncAgain = true; return; }
    syncing = true;
    FS.syncfs(false, function (err) {
      syncing = false;
      if (err) console.warn('dae: saving to IndexedDB failed: ' + err);
      if (syncAgain) { syncAgain = false; syncPersist(); return; }
      flag('saving', 0);
    });
  }

  function mountPersist() {
    var params = new URLSearchParams(location.search);
    try {
      FS.mkdir('/persist');
      FS.mount(IDBFS, {}, '/persist');
    } catch (e) {
      console.warn('dae: IndexedDB storage unavailable: ' + e);
      flag('persist_done', 1);
      return;
    }
    if (params.has('fresh')) {  // ?fresh: start without the saved session (it is kept)
      flag('persist_done', 1);
      return;
    }
    FS.syncfs(true, function (err) {
      if (err) console.warn('dae: reading IndexedDB failed: ' + err);
      flag('persist_done', 1);
    });
  }

  // ---- file pickers --------------------------------------------------------------------------
  function rmTree(path) {
    var st;
    try { st = FS.stat(path); } catch (e) { return; }
    if (FS.isDir(st.mode)) {
      FS.readdir(path).forEach(function (n) { if (n !== '.' && n !== '..') rmTree(path + '/' + n); });
      FS.rmdir(path);
    } else {
      FS.unlink(path);
    }
  }
  function mkdirs(path) {
    var parts = path.split('/').filter(Boolean), cur = '';
    parts.forEach(function (p) {
      cur += '/' + p;
      try { FS.mkdir(cur); } catch (e) { /* exists */ }
    });
  }

  function importFiles(files, asFolder) {
    if (!files.length) return Promise.resolve('');
    mkdirs('/import');
    if (!asFolder) {
      var f = files[0];
      busy('Reading ' + f.name + '…');
      return f.arrayBuffer().then(function (buf) {
        var path = '/import/' + f.name.replace(/[\/\\]/g, '_');
        FS.writeFile(path, new Uint8Array(buf));
        busy('Importing ' + f.name + '…');
        return new Promise(function (r) { setTimeout(r, 30); }).then(function () {
          var err = call('dae_import', 'string', ['string'], [path]);
          rmTree(path);
          busy('');
          return err;
        });
      });
    }
    // A folder: keep PNGs only, under /import/<top folder>/...
    var list = Array.prototype.filter.call(files, function (f) {
      return /\.png$/i.test(f.name) && !/(^|\/)\./.test(f.webkitRelativePath || f.name);
    });
    if (!list.length) return Promise.resolve('the folder has no .png files');
    var top = (list[0].webkitRelativePath || list[0].name).split('/')[0];
    var root = '/import/' + top;
    rmTree(root);
    var done = 0, i = 0;
    function next() {
      if (i >= list.length) return Promise.resolve();
      var chunk = list.slice(i, i + 200);
      i += chunk.length;
      return Promise.all(chunk.map(function (f) {
        return f.arrayBuffer().then(function (buf) {
          var rel = f.webkitRelativePath || (top + '/' + f.name);
          var path = '/import/' + rel;
          mkdirs(path.substring(0, path.lastIndexOf('/')));
          FS.writeFile(path, new Uint8Array(buf));
          done++;
        });
      })).then(function () {
        busy('Reading ' + top + '… ' + done + ' / ' + list.length + ' images');
        return next();
      });
    }
    return next().then(function () {
      busy('Importing ' + top + ' (' + list.length + ' images)…');
      return new Promise(function (r) { setTimeout(r, 30); });
    }).then(function () {
      var err = call('dae_import', 'string', ['string'], [root]);
      rmTree(root);
      busy('');
      return err;
    });
  }

  function uploadModelBytes(bytes, name) {
    return withBytes(bytes, function (ptr, n) {
      return call('dae_upload_model', 'string', ['number', 'number', 'string'], [ptr, n, name || 'model']);
    });
  }

  function pickFile(kind) {
    var input = document.createElement('input');
    input.type = 'file';
    input.style.display = 'none';
    if (kind === 'model') input.accept = '.safetensors';
    else if (kind === 'zip') input.accept = '.zip,application/zip';
    else if (kind === 'folder') { input.webkitdirectory = true; input.multiple = true; }
    input.addEventListener('change', function () {
      var files = input.files ? Array.prototype.slice.call(input.files) : [];
      input.remove();
      if (!files.length) return;
      if (kind === 'model') {
        files[0].arrayBuffer().then(function (buf) {
          var err = uploadModelBytes(new Uint8Array(buf), files[0].name);
          if (err) console.warn('dae: ' + files[0].name + ': ' + err);
        });
      } else {
        importFiles(files, kind === 'folder').then(function (err) {
          if (err) console.warn('dae: import failed: ' + err);
        }).catch(function (e) {
          busy('');
          console.warn('dae: import failed: ' + e);
        });
      }
    });
    document.body.appendChild(input);
    input.click();
  }

  function download(name, mime, ptr, len) {
    var bytes = HEAPU8.slice(ptr, ptr + len);
    var url = URL.createObjectURL(new Blob([bytes], { type: mime }));
    var a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.style.display = 'none';
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 2000);
  }

  // ---- WebGL state shadow ---------------------------------------------------------------------
  // ImGui's OpenGL3 backend saves and restores GL state around every frame with glGetIntegerv.
  // In WebGL, getParameter(SCISSOR_BOX / VIEWPORT / BLEND_*) is a synchronous round trip to
  // the GPU process that waits for all queued drawing: with a CPU renderer (SwiftShader) the
  // main thread stalled ~20-40 ms per frame there. Every GL call of this page goes through this
  // one context, so its own record of those few states is exact: answer from it instead.
  function shadowGLState(gl) {
    if (!gl || gl.__daeShadow) return;
    gl.__daeShadow = true;
    var get = gl.getParameter.bind(gl);
    var state = {};
    [gl.VIEWPORT, gl.SCISSOR_BOX].forEach(function (p) { state[p] = new Int32Array(get(p)); });
    [gl.BLEND_SRC_RGB, gl.BLEND_DST_RGB, gl.BLEND_SRC_ALPHA, gl.BLEND_DST_ALPHA, gl.BLEND_EQUATION_RGB,
     gl.BLEND_EQUATION_ALPHA].forEach(function (p) { state[p] = get(p); });
    function wrap(name, after) {
      var f = gl[name].bind(gl);
      gl[name] = function () { f.apply(null, arguments); after.apply(null, arguments); };
    }
    wrap('viewport', function (x, y, w, h) { state[gl.VIEWPORT] = new Int32Array([x, y, w, h]); });
    wrap('scissor', function (x, y, w, h) { state[gl.SCISSOR_BOX] = new Int32Array([x, y, w, h]); });
    wrap('blendFunc', function (s, d) {
      state[gl.BLEND_SRC_RGB] = state[gl.BLEND_SRC_ALPHA] = s;
      state[gl.BLEND_DST_RGB] = state[gl.BLEND_DST_ALPHA] = d;
    });
    wrap('blendFuncSeparate', function (sr, dr, sa, da) {
      state[gl.BLEND_SRC_RGB] = sr; state[gl.BLEND_DST_RGB] = dr;
      state[gl.BLEND_SRC_ALPHA] = sa; state[gl.BLEND_DST_ALPHA] = da;
    });
    wrap('blendEquation', function (m) { state[gl.BLEND_EQUATION_RGB] = state[gl.BLEND_EQUATION_ALPHA] = m; });
    wrap('blendEquationSeparate', function (r, a) {
      state[gl.BLEND_EQUATION_RGB] = r; state[gl.BLEND_EQUATION_ALPHA] = a;
    });
    gl.getParameter = function (p) {
      if (Object.prototype.hasOwnProperty.call(state, p)) {
        var v = state[p];
        return v instanceof Int32Array ? new Int32Array(v) : v;
      }
      return get(p);
    };
  }

  function start() {
    try {
      if (typeof GL !== 'undefined' && GL.currentContext) shadowGLState(GL.currentContext.GLctx);
    } catch (e) {
      console.warn('dae: WebGL state shadow not installed: ' + e);
    }
    mountPersist();
    loadPack('mnist', true).catch(function () { /* reported */ }).then(function () { flag('mnist_done', 1); });
    // Which other packs were bundled (site/datasets.json, written by the build).
    fetch('datasets.json', { credentials: 'same-origin' }).then(function (r) {
      return r.ok ? r.json() : { packs: [] };
    }).then(function (m) {
      (m.packs || []).forEach(function (p) {
        if (p.name === 'dhcd') {
          call('dae_set_flag', null, ['string', 'number'], ['dhcd_bytes', p.bytes || 0]);
          flag('dhcd_available', 1);
        }
      });
    }).catch(function (e) { console.warn('dae: datasets.json: ' + e); });
  }

  Module.daeJS = { start: start, loadPack: loadPack, pickFile: pickFile, download: download,
                   syncPersist: syncPersist };

  // ---- window.dae: the automation contract -------------------------------------------------------
  function json(what) { return JSON.parse(call('dae_ui', 'string', ['string'], [what])); }
  function toFloat32(arr) { return arr instanceof Float32Array ? arr : Float32Array.from(arr); }

  var dae = window.dae = window.dae || {};
  Object.assign(dae, {
    ready: false,
    status: function () { return JSON.parse(call('dae_status', 'string', [], [])); },
    train: function (config) {
      var err = call('dae_train', 'string', ['string'], [JSON.stringify(config || {})]);
      if (err) throw new Error(err);
      return true;
    },
    pause: function () { call('dae_pause', null, [], []); return true; },
    resume: function () { call('dae_resume', null, [], []); return true; },
    reset: function () { call('dae_reset', null, [], []); return true; },
    // Model forward pass only (Session::denoise), as the Draw panel uses it.
    denoise: function (image) {
      var x = toFloat32(image), n = x.length;
      var inp = _malloc(Math.max(4, n * 4)), out = _malloc(Math.max(4, n * 4));
      try {
        HEAPF32.set(x, inp >> 2);
        var err = call('dae_denoise', 'string', ['number', 'number', 'number'], [inp, n, out]);
        if (err) throw new Error(err);
        return HEAPF32.slice(out >> 2, (out >> 2) + n);
      } finally { _free(inp); _free(out); }
    },
    // The Draw canvas in page pixels (for real mouse events).
    drawCanvasRect: function () {
      // ImGui works in CSS pixels relative to the canvas (SDL's window is the canvas' CSS size).
      var r = json('canvas'), c = Module.canvas.getBoundingClientRect();
      return { x: c.left + r.x, y: c.top + r.y, width: r.width, height: r.height, side: r.side };
    },
    drawn: function () { return Float32Array.from(json('draw').drawn); },
    drawPanel: function () {
      var d = json('draw');
      return { side: d.side, drawn: Float32Array.from(d.drawn), noisy: Float32Array.from(d.noisy),
               denoised: Float32Array.from(d.denoised), psnr_noisy: d.psnr_noisy,
               psnr_denoised: d.psnr_denoised, pending: d.pending };
    },
    setDrawing: function (image) {
      var x = toFloat32(image);
      var ok = withBytes(new Uint8Array(x.buffer, x.byteOffset, x.byteLength), function (ptr, n) {
        return call('dae_set_drawing', 'number', ['number', 'number'], [ptr, n / 4]);
      });
      if (!ok) throw new Error('the drawing has ' + json('draw').drawn.length + ' pixels');
      return true;
    },
    clearDrawing: function () { call('dae_clear_drawing', null, [], []); return true; },
    // The current model as .safetensors bytes (the UI's button downloads the same bytes).
    downloadModel: function () {
      var np = _malloc(4);
      try {
        var ptr = call('dae_model_bytes', 'number', ['number'], [np]);
        var n = HEAP32[np >> 2];
        if (n < 0 || !ptr) throw new Error('no model to download');
        return HEAPU8.slice(ptr, ptr + n);
      } finally { _free(np); }
    },
    uploadModel: function (bytes, name) {
      var err = uploadModelBytes(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), name);
      if (err) throw new Error(err);
      return true;
    },
    loadDataset: function (name) { return loadPack(name === 'devanagari' ? 'dhcd' : name, true); },
    runs: function () { return json('runs'); },
    // Page rectangle of a marked widget (a button or tab drawn in the last frames), or null:
    // train, pause, resume, reset, download_model, upload_model, tab_<name>, preset_<name>, …
    rect: function (id) {
      var r = json('rects')[id], c = Module.canvas.getBoundingClientRect();
      return r ? { x: c.left + r.x, y: c.top + r.y, width: r.width, height: r.height } : null;
    },
    rects: function () { return json('rects'); },
    csv: function () { return json('csv').csv; },
    results: function () { return json('results').results; },
    config: function () { return json('config'); },
    showTab: function (name) { call('dae_show_tab', null, ['string'], [String(name).toLowerCase()]); return true; },
    setBudget: function (ms) { call('dae_set_budget', null, ['number'], [ms]); return true; },
    selectRun: function (id, overlay) { call('dae_select_run', null, ['number', 'number'], [id, overlay ? 1 : 0]); return true; },
    saveNow: function () { call('dae_save_now', null, [], []); return true; },
    // The Experiments panel's free-text observations (typed there by people).
    setObservations: function (text) { call('dae_set_observations', null, ['string'], [String(text)]); return true; },
    // Resolves after n animation frames (the UI has caught up with API calls).
    frames: function (n) {
      return new Promise(function (resolve) {
        var left = n || 2;
        (function tick() { if (--left < 0) resolve(); else requestAnimationFrame(tick); })();
      });
    },
  });
})();
