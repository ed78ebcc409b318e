// dae_api.js — linked with --post-js: runs inside the Emscripten module's scope (FS, IDBFS,
// _malloc, the exported _dae_* functions are in scope). Three parts:
//   the heap  — reads and writes through views that are refreshed first: with threads, a
//               worker may grow the memory and leave this thread's views stale;
//   Module.daeJS — what the C++ app calls (web/api/browser.cpp): fonts, data packs, pretrained
//               models, file pickers (imports written into MEMFS), downloads, IndexedDB sync, the
//               clipboard, the warning before closing with unsaved models, the screen kept
//               between frames; its answers go to the C functions of web/api/bridge.cpp;
//   window.dae — the automation contract tests use (status, train, denoise, rectangles, …), on
//               the C functions of web/api/bridge.cpp: JSON and bytes in, malloc'ed results out.
/* global Module, FS, IDBFS, HEAPU8, HEAPF32, HEAP32, _malloc, _free, UTF8ToString, stringToUTF8,
   lengthBytesUTF8, ENVIRONMENT_IS_PTHREAD, GROWABLE_HEAP_U8, wasmMemory, updateGlobalBufferAndViews, EGL,
   GLctx */
(function () {
  'use strict';
  if (typeof ENVIRONMENT_IS_PTHREAD !== 'undefined' && ENVIRONMENT_IS_PTHREAD) return;  // a worker thread
  if (typeof window === 'undefined') return;

  // ---- the heap -------------------------------------------------------------------------------
  function heap() {
    if (typeof wasmMemory !== 'undefined' && HEAPU8.buffer !== wasmMemory.buffer) {
      updateGlobalBufferAndViews(wasmMemory.buffer);
    }
    return { u8: HEAPU8, f32: HEAPF32, i32: HEAP32 };
  }
  // n bytes of the heap, or a plain error: a full heap returns 0, and copying to address 0
  // corrupted the page ("memory access out of bounds", then nothing worked).
  function alloc(n, what) {
    var p = _malloc(Math.max(1, n));
    if (!p) {
      throw new Error('The page has run out of memory (its heap is at most 2 GB): ' + what + ' (' +
                      (n / 1048576).toFixed(1) + ' MB) did not fit. Nothing was changed; remove an imported ' +
                      'dataset or reload the page (your saved runs come back).');
    }
    return p;
  }
  function cstr(s) {
    var n = lengthBytesUTF8(s) + 1, p = alloc(n, 'a text');
    stringToUTF8(s, p, n);
    return p;
  }
  // A malloc'ed C string from the app: read, then freed.
  function take(p) {
    if (!p) return '';
    var s = UTF8ToString(p);
    _free(p);
    return s;
  }
  // Calls f with C strings for the given JS strings (freed afterwards).
  function withStrings(strs, f) {
    var ps = [];
    try {
      strs.forEach(function (t) { ps.push(cstr(t)); });
      return f.apply(null, ps);
    } finally { ps.forEach(function (p) { _free(p); }); }
  }
  // Copies bytes into the heap for the duration of fn(ptr, n); `what` names them in the error
  // of a full heap.
  function withBytes(bytes, fn, what) {
    var ptr = alloc(bytes.length, what || 'the file');
    heap().u8.set(bytes, ptr);
    try { return fn(ptr, bytes.length); } finally { _free(ptr); }
  }
  // An error the app shows where the user acted (Files, Data); the console if even that fails.
  function report(where, msg) {
    try { text(where, msg); } catch (e) { console.warn('dae: ' + msg); }
  }
  function flag(name, value) { withStrings([name], function (n) { _dae_set_flag(n, value ? 1 : 0); }); }
  function text(name, value) { withStrings([name, value || ''], function (n, v) { _dae_set_text(n, v); }); }
  function busy(t) { text('busy', t); }
  function shell(t, fraction) { if (window.daeShell) window.daeShell.setStatus(t, fraction); }
  function wake() { if (typeof _dae_wake === 'function') _dae_wake(); }

  // fetch() with a progress callback (bytes received, total or 0).
  function fetchBytes(url, progress) {
    return fetch(url, { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status + ' for ' + url);
      var total = response.headers.get('Content-Encoding') ? 0 : Number(response.headers.get('Content-Length')) || 0;
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

  // ---- fonts: fetched while the app downloads, written before main() runs ----------------------
  var fonts = Promise.all(['DejaVuSans.ttf', 'DejaVuSansMono.ttf'].map(function (name) {
    return fetchBytes('fonts/' + name).then(function (b) { return [name, b]; }, function () { return null; });
  }));
  Module.preRun = Module.preRun || [];
  Module.preRun.push(function () {
    addRunDependency('dae-fonts');
    fonts.then(function (list) {
      try { FS.mkdir('/fonts'); } catch (e) { /* exists */ }
      list.forEach(function (f) { if (f) FS.writeFile('/fonts/' + f[0], f[1]); });
      removeRunDependency('dae-fonts');
    });
  });

  // ---- data packs and pretrained models ------------------------------------------------------------
  var packLoads = {};  // name -> Promise

  function loadPack(name, select) {
    if (packLoads[name]) return packLoads[name];
    var label = name === 'mnist' ? 'MNIST' : name === 'dhcd' ? 'Devanagari digits' : name;
    var p = fetchBytes('data/' + name + '.daepack', function (got, total) {
      var mb = (got / 1048576).toFixed(1) + ' MB';
      busy('Loading ' + label + '… ' + mb);
      // The shell's loading line while the page waits for MNIST (a saved session), not after.
      if (name === 'mnist' && !window.dae.usable) shell('Loading ' + label + '… ' + mb, total ? got / total : undefined);
    }).then(function (bytes) {
      busy('');
      var err = withBytes(bytes, function (ptr, n) {
        return withStrings([name + '.daepack'], function (what) { return take(_dae_add_pack(ptr, n, what, select ? 1 : 0)); });
      });
      wake();
      if (err) throw new Error(err);
      return true;
    }).catch(function (e) {
      busy('');
      delete packLoads[name];
      var msg = String(e && e.message ? e.message : e);
      console.warn('dae: loading data/' + name + '.daepack failed: ' + msg);
      withStrings([name, msg], function (n, m) { _dae_pack_failed(n, m); });
      throw e;
    });
    packLoads[name] = p;
    return p;
  }

  // MNIST, asked for by the app when its turn comes (main.cpp, load_in_order).
  function loadMnist() {
    loadPack('mnist', true).catch(function () { /* reported */ }).then(function () { flag('mnist_done', 1); });
  }

  // models/seed-<dataset>.safetensors: a small model trained by the CLI (assets/pretrained).
  // A first visit (this browser has no saved session's store) needs MNIST's at once: it is
  // fetched beside the .wasm instead of after it.
  var earlyModel = null, modelAsked = false;
  if (window.indexedDB && indexedDB.databases && !/[?&]fresh\b/.test(location.search)) {
    indexedDB.databases().then(function (list) {
      if (modelAsked || list.some(function (d) { return d.name === '/persist'; })) return;
      earlyModel = fetchBytes('models/seed-mnist.safetensors');
      earlyModel.catch(function () { /* said by loadPretrained */ });
    }, function () { /* unknown: fetched when the app asks */ });
  }
  function loadPretrained(dataset) {
    var name = 'seed-' + dataset + '.safetensors';
    var early = dataset === 'mnist' && earlyModel;
    earlyModel = null;
    modelAsked = true;
    return (early || fetchBytes('models/' + name)).then(function (bytes) {
      var err = withBytes(bytes, function (ptr, n) {
        return withStrings([name], function (nm) { return take(_dae_upload_model(ptr, n, nm, 1)); });
      });
      if (err) throw new Error(err);
    }).catch(function (e) {
      text('pretrained_failed', String(e && e.message ? e.message : e));
    }).then(wake);
  }

  // ---- IndexedDB ---------------------------------------------------------------------------
  // One save at a time; the app counts it saved only on flag('saved'). A write the browser
  // aborts (its storage full) may never call back: after 20 s (saveConfirmMs; the tests shorten
  // it) it is reported as failed, and a late answer of that save is ignored.
  var syncing = false, syncAgain = false, syncGen = 0, saveConfirmMs = 20000;
  function syncPersist() {
    if (locks && !session.release) {  // never reached through the app (save_now): a last guard
      text('storage_error', 'another tab has the session');
      return;
    }
    if (syncing) { syncAgain = true; return; }
    syncing = true;
    var gen = ++syncGen, failed = false;
    var fail = function (why) {
      console.warn('dae: saving to IndexedDB failed: ' + why);
      failed = true;
      text('storage_error', why);
    };
    var timer = setTimeout(function () {
      if (gen !== syncGen) return;
      syncGen++;
      syncing = false;
      syncAgain = false;
      fail('the browser did not confirm the write; is its storage full?');
    }, saveConfirmMs);
    try {
      FS.syncfs(false, function (err) {
        if (gen !== syncGen) return;  // given up on already
        clearTimeout(timer);
        syncing = false;
        if (err) fail(String(err && err.message ? err.message : err));
        if (syncAgain) { syncAgain = false; syncPersist(); return; }
        if (!failed) flag('saved', 1);
      });
    } catch (e) {
      clearTimeout(timer);
      syncing = false;
      fail(String(e && e.message ? e.message : e));
    }
  }

  // ---- one writer: the tab holding the Web Lock 'dae-session' -----------------------------------
  // IDBFS saves a mirror of the tab: each save deletes every record the tab does not hold, so two
  // tabs saving destroyed each other's runs. One tab at a time holds the session and saves; a
  // second tab shows the session as last saved and saves nothing until it takes over: the
  // holder is asked (BroadcastChannel) to save and let go; one that does not answer in 8 s (a
  // frozen tab) loses the lock (steal) and says so. Browsers without Web Locks save as before.
  var session = { release: null, channel: null, queued: null };
  var locks = typeof navigator !== 'undefined' && navigator.locks && navigator.locks.request ? navigator.locks : null;
  // Requests the lock with `options`; resolves to whether it was granted. Held until
  // releaseSession() (a hand-over) or until another tab steals it (sessionLost).
  function holdSession(options) {
    return new Promise(function (granted) {
      locks.request('dae-session', options, function (lock) {
        if (!lock) { granted(false); return null; }
        granted(true);
        return new Promise(function (release) { session.release = release; });
      }).catch(function (e) {
        if (e && e.name === 'AbortError' && session.release) sessionLost();
        granted(false);
      });
    });
  }
  function sessionLost() {
    session.release = null;
    flag('session_lost', 1);
  }
  function releaseSession() {
    var r = session.release;
    session.release = null;
    if (r) r();
  }
  function listenForTakeover() {
    if (typeof BroadcastChannel === 'undefined') return;
    session.channel = new BroadcastChannel('dae-session');
    session.channel.onmessage = function (m) {
      if (m.data && m.data.type === 'take' && session.release) _dae_hand_over();  // saves, then releaseSession()
    };
  }
  // This tab takes the session: then reloads (it reads the session as the other tab left it), or
  // tells the app (it saves its own work over the saved session, as the user chose).
  function takeSession(reload) {
    if (!locks) { flag('session_taken', 1); return; }
    var done = false, queued = new AbortController();
    var got = function (ok) {
      if (!ok || done) return;
      done = true;
      if (reload) {
        try { sessionStorage.setItem('dae-took-over', '1'); } catch (e) { /* private mode */ }
        location.reload();
      } else {
        flag('session_taken', 1);
      }
    };
    if (session.channel) session.channel.postMessage({ type: 'take' });
    holdSession({ signal: queued.signal }).then(got);
    setTimeout(function () {
      if (done) return;
      queued.abort();
      holdSession({ steal: true }).then(got);
    }, 8000);
  }

  function mountPersist() {
    if (!locks) { readPersist(); return; }
    listenForTakeover();
    holdSession({ ifAvailable: true }).then(function (mine) {
      if (!mine) flag('other_tab', 1);
      try {
        if (sessionStorage.getItem('dae-took-over')) flag('took_over', 1);
        sessionStorage.removeItem('dae-took-over');
      } catch (e) { /* private mode */ }
      readPersist();
    });
  }

  function readPersist() {
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
      flag('fresh', 1);
      flag('persist_done', 1);
      return;
    }
    try {
      FS.syncfs(true, function (err) {
        if (err) {  // part of it is not here: the app pauses autosave (a save would delete the rest)
          console.warn('dae: reading IndexedDB failed: ' + err);
          flag('persist_read_failed', 1);
        }
        flag('persist_done', 1);
      });
    } catch (e) {
      console.warn('dae: reading IndexedDB failed: ' + e);
      flag('persist_read_failed', 1);
      flag('persist_done', 1);
    }
  }

  // Leaving with work that exists only in this tab (autosave off, or models over the storage
  // budget that were never downloaded).
  var unsavedWarning = false;
  window.addEventListener('beforeunload', function (e) {
    if (!unsavedWarning) return;
    e.preventDefault();
    e.returnValue = '';
  });

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
  function importPath(path) {
    return withStrings([path], function (p) { return take(_dae_import(p)); });
  }

  function importFiles(files, asFolder) {
    if (!files.length) return Promise.resolve('');
    mkdirs('/import');
    if (!asFolder) {
      var f = files[0];
      busy('Reading ' + f.name + '…');
      return f.arrayBuffer().then(function (buf) {
        var path = '/import/' + f.name.replace(/[\/\\]/g, '_');
        try {
          FS.writeFile(path, new Uint8Array(buf));  // MEMFS: the heap too
        } catch (e) {
          rmTree(path);
          busy('');
          var msg = 'The page has no memory left to read ' + f.name + ' (its heap is at most 2 GB). Nothing was ' +
                    'changed; remove an imported dataset or reload the page.';
          report('data_error', msg);
          return msg;
        }
        busy('Importing ' + f.name + '…');
        return new Promise(function (r) { setTimeout(r, 30); }).then(function () {
          var err = importPath(path);
          rmTree(path);
          busy('');
          wake();
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
      var err = importPath(root);
      rmTree(root);
      busy('');
      wake();
      return err;
    });
  }

  function uploadModelBytes(bytes, name) {
    var err;
    try {
      err = withBytes(bytes, function (ptr, n) {
        return withStrings([name || 'model.safetensors'], function (nm) { return take(_dae_upload_model(ptr, n, nm, 0)); });
      }, 'the model file');
    } catch (e) {
      err = String(e && e.message ? e.message : e);
      report('files_error', err);
    }
    wake();
    return err;
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
    var bytes = heap().u8.slice(ptr, ptr + len);
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
    // viewport and scissor: called for every draw; their boxes are updated in place.
    [['viewport', gl.VIEWPORT], ['scissor', gl.SCISSOR_BOX]].forEach(function (e) {
      var f = gl[e[0]].bind(gl), box = state[e[1]];
      gl[e[0]] = function (x, y, w, h) { f(x, y, w, h); box[0] = x; box[1] = y; box[2] = w; box[3] = h; };
    });
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

  // ---- input: wake the idle loop, paste, touch ---------------------------------------------------
  function listenForInput() {
    ['pointerdown', 'pointermove', 'wheel', 'keydown', 'keyup', 'touchstart', 'touchmove', 'focus', 'resize']
      .forEach(function (t) { window.addEventListener(t, wake, { passive: true, capture: true }); });
    // Pasted text goes to the focused text field of the app.
    document.addEventListener('paste', function (e) {
      var t = e.clipboardData && e.clipboardData.getData('text/plain');
      if (t) {
        withStrings([t], function (p) { _dae_paste(p); });
        e.preventDefault();
      }
    });
    // A finger on the canvas draws or scrolls a panel, never the page (no pull-to-refresh,
    // pinch-zoom or swipe-back under a stroke).
    var canvas = Module.canvas;
    if (canvas) {
      ['touchstart', 'touchmove', 'touchend'].forEach(function (t) {
        canvas.addEventListener(t, function (e) { if (e.cancelable) e.preventDefault(); }, { passive: false });
      });
      canvas.addEventListener('touchend', editOnScreen);  // a text field tapped: the phone's keyboard
    }
  }

  function start() {
    try {
      if (typeof GL !== 'undefined' && GL.currentContext) shadowGLState(GL.currentContext.GLctx);
    } catch (e) {
      console.warn('dae: WebGL state shadow not installed: ' + e);
    }
    listenForInput();
    if (window.daeShell && window.daeShell.singleReason) text('single_reason', window.daeShell.singleReason);
    mountPersist();
    // Which other packs were bundled (site/datasets.json, written by the build).
    fetch('datasets.json', { credentials: 'same-origin' }).then(function (r) {
      return r.ok ? r.json() : { packs: [] };
    }).then(function (m) {
      (m.packs || []).forEach(function (p) {
        if (p.name === 'dhcd') {
          withStrings(['dhcd_bytes'], function (n) { _dae_set_flag(n, p.bytes || 0); });
          if (p.kind) text('dhcd_kind', p.kind);
          flag('dhcd_listed', 1);
        }
      });
    }).catch(function (e) { console.warn('dae: datasets.json: ' + e); });
  }

  // The screen kept between frames (present.h draws only what changed, straight onto it):
  // asks for preserveDrawingBuffer before SDL creates the WebGL context, and notes every time
  // the canvas's size is set — even to the same size, which clears the kept pixels (SDL sets it
  // on every window resize event). Returns whether the context keeps its buffer.
  var screenReset = false;
  function keepScreen() {
    var canvas = Module.canvas;
    ['width', 'height'].forEach(function (prop) {
      var d = Object.getOwnPropertyDescriptor(HTMLCanvasElement.prototype, prop);
      Object.defineProperty(canvas, prop, {
        configurable: true,
        get: function () { return d.get.call(this); },
        set: function (v) { screenReset = true; d.set.call(this, v); },
      });
    });
    if (typeof EGL !== 'undefined') EGL.contextAttributes.preserveDrawingBuffer = true;
  }
  function screenKept() {
    var gl = typeof GLctx !== 'undefined' ? GLctx : null;
    return !!(gl && gl.getContextAttributes() && gl.getContextAttributes().preserveDrawingBuffer);
  }

  // ---- the accessible mirror (web/api/access.cpp) -------------------------------------------------
  // Hidden DOM elements of the canvas's widgets, by panel, for screen readers: rebuilt when the
  // set of items changes, else updated in place. Activating one acts on the canvas through
  // dae_access_act (the pointer and keys a person would use); keys pressed on the mirror do not
  // also reach the canvas.
  var mirrorShape = '', mirrorNodes = [], mirrorList = [];
  // The phone keyboard a field wants: digits for a number, letters otherwise.
  function inputMode(value) { return /^-?[0-9.eE+-]+$/.test(value || '') ? 'decimal' : 'text'; }
  // Keys pressed on `el` are its own: the canvas (SDL listens on window) never sees them.
  function keepKeys(el) {
    ['keydown', 'keyup', 'keypress'].forEach(function (t) {
      el.addEventListener(t, function (k) { k.stopPropagation(); });
    });
  }
  function accessAct(i, edit, value) {
    withStrings([value || ''], function (v) { _dae_access_act(i, edit ? 1 : 0, v); });
    var n = 12;  // the queued pointer and keys take a frame each
    (function tick() { wake(); if (--n > 0) requestAnimationFrame(tick); })();
  }
  function mirrorElement(e) {
    var el;
    if (e.role === 'text') {
      el = document.createElement('p');
    } else if (e.role === 'textbox') {
      el = document.createElement('input');
      el.type = 'text';
      el.setAttribute('inputmode', inputMode(e.value));
      el.addEventListener('change', function () { accessAct(Number(el.dataset.item), true, el.value); });
    } else if (e.role === 'button') {
      el = document.createElement('button');
      el.type = 'button';
    } else {
      el = document.createElement('div');
      el.setAttribute('role', e.role);
      el.tabIndex = -1;
    }
    if (e.role !== 'textbox' && e.role !== 'text') {
      el.addEventListener('click', function () { accessAct(Number(el.dataset.item), false); });
      el.addEventListener('keydown', function (k) {
        if (el.tagName !== 'BUTTON' && (k.key === 'Enter' || k.key === ' ')) {
          k.preventDefault();
          accessAct(Number(el.dataset.item), false);
        }
      });
    }
    if (e.role !== 'text') el.setAttribute('aria-label', e.name);
    if (e.mark) el.dataset.mark = e.mark;
    return el;
  }
  function mirrorUpdate(el, e) {
    if (e.role === 'text') { if (el.textContent !== e.name) el.textContent = e.name; return; }
    if (e.role === 'textbox') { if (document.activeElement !== el) el.value = e.value || ''; return; }
    if (e.role === 'button') el.textContent = e.name;
    if (e.value !== undefined) {
      if (e.role === 'slider') el.setAttribute('aria-valuetext', e.value);
      else el.textContent = e.value;
    }
    if (e.checked !== undefined) el.setAttribute(e.role === 'tab' ? 'aria-selected' : 'aria-checked', String(e.checked));
  }
  function mirror(json) {
    var list = JSON.parse(json), root = document.getElementById('dae-access');
    if (!root) return;
    mirrorList = list;
    var shape = list.map(function (e) { return e.panel + '\u0001' + e.role + '\u0001' + (e.role === 'text' ? e.mark : e.name); }).join('\u0002');
    if (shape !== mirrorShape) {  // rebuilt: panels as regions with a heading, items in order
      mirrorShape = shape;
      root.textContent = '';
      mirrorNodes = [];
      var region = null, panel = null, group = null;
      list.forEach(function (e) {
        if (e.panel !== panel) {
          panel = e.panel;
          region = document.createElement('section');
          region.setAttribute('aria-label', panel);
          var h = document.createElement('h2');
          h.textContent = panel;
          region.appendChild(h);
          root.appendChild(region);
          group = null;
        }
        if (e.role === 'tab' || e.role === 'radio') {  // tabs in a tab list, radios in a group
          var kind = e.role === 'tab' ? 'tablist' : 'radiogroup';
          if (!group || group.getAttribute('role') !== kind) {
            group = document.createElement('div');
            group.setAttribute('role', kind);
            region.appendChild(group);
          }
        } else {
          group = null;
        }
        var el = mirrorElement(e);
        (group || region).appendChild(el);
        mirrorNodes.push(el);
      });
    }
    list.forEach(function (e, k) {
      var el = mirrorNodes[k];
      el.dataset.item = e.i;  // the item's index in this frame (dae_access_act)
      mirrorUpdate(el, e);
    });
  }
  // The live region keeps the last few messages (several may come in one frame: an epoch and
  // the run's end); a screen reader reads each one added.
  function announce(text) {
    var live = document.getElementById('dae-live');
    if (!live) return;
    var p = document.createElement('p');
    p.textContent = text;
    live.appendChild(p);
    while (live.childNodes.length > 5) live.removeChild(live.firstChild);
  }
  // A finger lifted on a text field: a real input over it takes the focus, so the phone's own
  // keyboard opens (the canvas has no text input of its own); what is typed there replaces the
  // field's text on Enter or when the input is left. Only inside the touch's handler may a page
  // open the keyboard.
  var editor = document.getElementById('dae-edit');
  function editOnScreen(ev) {
    var t = ev.changedTouches && ev.changedTouches[0], canvas = Module.canvas;
    if (!t || !editor || !canvas) return;
    var c = canvas.getBoundingClientRect(), x = t.clientX - c.left, y = t.clientY - c.top;
    var e = mirrorList.filter(function (m) {
      return m.role === 'textbox' && x >= m.x && x <= m.x + m.width && y >= m.y && y <= m.y + m.height;
    })[0];
    if (!e) return;
    editor.dataset.item = e.i;
    editor.value = e.value || '';
    editor.setAttribute('inputmode', inputMode(e.value));
    editor.setAttribute('aria-label', e.name);
    editor.style.left = (c.left + e.x) + 'px';
    editor.style.top = (c.top + e.y) + 'px';
    editor.style.width = Math.max(e.width, 80) + 'px';
    editor.style.height = Math.max(e.height, 32) + 'px';
    editor.classList.remove('hidden');
    editor.focus({ preventScroll: true });
    editor.select();
  }
  if (editor) {
    editor.addEventListener('change', function () { accessAct(Number(editor.dataset.item), true, editor.value); });
    editor.addEventListener('keydown', function (k) { if (k.key === 'Enter') editor.blur(); });
    editor.addEventListener('blur', function () { editor.classList.add('hidden'); });
    keepKeys(editor);
  }

  var accessRoot = document.getElementById('dae-access');
  if (accessRoot) keepKeys(accessRoot);  // keys on the mirror are the mirror's


  var copied = '';
  Module.daeJS = {
    mirror: mirror, announce: announce,
    keepScreen: keepScreen, screenKept: screenKept,
    takeScreenReset: function () { var r = screenReset; screenReset = false; return r; },
    // The app's own requests: a failure is reported to it (and said), never an unhandled rejection.
    loadPack: function (name) { loadPack(name).catch(function () { /* reported */ }); },
    start: start, loadMnist: loadMnist, loadPretrained: loadPretrained, pickFile: pickFile, download: download,
    syncPersist: syncPersist, takeSession: takeSession, releaseSession: releaseSession,
    setUnsavedWarning: function (on) { unsavedWarning = !!on; },
    copied: function (s) { copied = s; },
  };

  // ---- window.dae: the automation contract -------------------------------------------------------
  function ui(what) { return JSON.parse(withStrings([what], function (w) { return take(_dae_ui(w)); })); }
  function toFloat32(arr) { return arr instanceof Float32Array ? arr : Float32Array.from(arr); }
  function check(err) { if (err) throw new Error(err); return true; }

  var dae = window.dae = window.dae || {};
  Object.assign(dae, {
    usable: false,  // the first screen works: the pretrained model is in (MNIST may be arriving)
    ready: false,   // everything loaded at start is in (MNIST too)
    status: function () { return JSON.parse(take(_dae_status())); },
    // Bytes of wasm memory now (it grows as data arrives; the views above follow it).
    heapBytes: function () { return wasmMemory.buffer.byteLength; },
    // config: the CLI's keys (dataset, arch, noise, epochs, batch, lr, train, val, seed, loss,
    // fresh_noise) and threads; throws an Error with the app's message when it is refused.
    train: function (config) {
      return check(withStrings([JSON.stringify(config || {})], function (j) { return take(_dae_train(j)); }));
    },
    // The same keys as train(): the panels take the settings, nothing starts (a person then
    // presses Train).
    configure: function (config) {
      return check(withStrings([JSON.stringify(config || {})], function (j) { return take(_dae_configure(j)); }));
    },
    pause: function () { _dae_pause(); return true; },
    resume: function () { _dae_resume(); return true; },
    stop: function () { _dae_stop(); return true; },
    reset: function () { _dae_reset(); return true; },  // start from scratch (every run keeps its model)
    setThreads: function (n) { return check(take(_dae_set_threads(n))); },
    // Model forward pass only (Session::denoise), as the Draw panel uses it.
    denoise: function (image) {
      var x = toFloat32(image), n = x.length;
      var inp = alloc(n * 4, 'an image'), out;
      try { out = alloc(n * 4, 'an image'); } catch (e) { _free(inp); throw e; }
      try {
        heap().f32.set(x, inp >> 2);
        check(take(_dae_denoise(inp, n, out)));
        return heap().f32.slice(out >> 2, (out >> 2) + n);
      } finally { _free(inp); _free(out); }
    },
    // The Draw canvas in page pixels (for real mouse and touch events).
    drawCanvasRect: function () {
      var r = ui('canvas'), c = Module.canvas.getBoundingClientRect();
      return { x: c.left + r.x, y: c.top + r.y, width: r.width, height: r.height, side: r.side };
    },
    drawn: function () { return Float32Array.from(ui('draw').drawn); },
    drawPanel: function () {
      var d = ui('draw');
      return { side: d.side, drawn: Float32Array.from(d.drawn), noisy: Float32Array.from(d.noisy),
               denoised: Float32Array.from(d.denoised), psnr_noisy: d.psnr_noisy, psnr_denoised: d.psnr_denoised,
               eraser: d.eraser, rendered_frames: d.rendered_frames,
               latency_frames: d.latency_frames, max_latency_frames: d.max_latency_frames };
    },
    setDrawing: function (image) {
      var x = toFloat32(image);
      var ok = withBytes(new Uint8Array(x.buffer, x.byteOffset, x.byteLength), function (ptr, n) {
        return _dae_set_drawing(ptr, n / 4);
      });
      if (!ok) throw new Error('the drawing has ' + ui('draw').drawn.length + ' pixels');
      return true;
    },
    clearDrawing: function () { _dae_clear_drawing(); return true; },
    // The next frame is drawn in part (only what changed, as always) and in full, and the pixels
    // compared: status().redraw.check_differing (0 = the same), .checks counts checks done.
    checkRedraw: function () { _dae_check_redraw(); return true; },
    // The current model as .safetensors bytes (the Files panel's button downloads the same bytes).
    downloadModel: function () {
      var np = alloc(4, 'a number');
      try {
        var ptr = _dae_model_bytes(np);
        var n = heap().i32[np >> 2];
        if (n < 0 || !ptr) throw new Error('no model to download');
        var bytes = heap().u8.slice(ptr, ptr + n);
        _free(ptr);
        return bytes;
      } finally { _free(np); }
    },
    modelFileName: function () { return take(_dae_model_file_name()); },
    uploadModel: function (bytes, name) {
      return check(uploadModelBytes(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), name));
    },
    loadDataset: function (name) { return loadPack(name === 'devanagari' ? 'dhcd' : name, true); },
    runs: function () { return ui('runs'); },
    // Page rectangle of a marked widget (drawn in the last frames), or null: train, pause,
    // resume, stop, reset, download_model, upload_model, tab_<name>, preset_<name>, …
    rect: function (id) {
      var r = ui('rects')[id], c = Module.canvas.getBoundingClientRect();
      return r ? { x: c.left + r.x, y: c.top + r.y, width: r.width, height: r.height } : null;
    },
    rects: function () { return ui('rects'); },
    // The keyboard focus: { window, mark (the marked widget it is on, or ''), visible, rect }.
    focus: function () { return ui('focus'); },
    layout: function () { return ui('layout'); },
    // Sentences the panels drew in the last frames, by id: { text, color: good|bad|warn|muted|text }.
    texts: function () { return ui('texts'); },
    csv: function () { return ui('csv').csv; },
    results: function () { return ui('results').results; },
    // What the outputs look like to the collapse detector (Results shows its verdict only once
    // the model has had a validation pass).
    resultsCollapsed: function () { return ui('results').collapsed; },
    config: function () { return ui('config'); },
    // The Latent panel: maps made, its extent and first points (map coordinates), the drawing's
    // place, the decoded and mixed images (web/api/bridge.cpp ui_latent).
    latent: function () { return ui('latent'); },
    // The accessible mirror's items of the last frame: { i, role, name, panel, value, checked,
    // mark, x, y, width, height (CSS px) } in drawing order.
    controls: function () { return mirrorList; },
    clipboard: function () { return copied; },
    showTab: function (name) { withStrings([String(name).toLowerCase()], function (n) { _dae_show_tab(n); }); return true; },
    selectRun: function (id, overlay) { return check(take(_dae_select_run(id, overlay ? 1 : 0))); },
    saveNow: function () { _dae_save_now(); return true; },
    // Tests: how long a save may go unconfirmed before it counts as failed (default 20 s).
    setSaveConfirmSeconds: function (s) { saveConfirmMs = Math.max(0.1, Number(s)) * 1000; return true; },
    // The Runs panel's free-text observations (typed there by people).
    setObservations: function (t) { withStrings([String(t)], function (p) { _dae_set_observations(p); }); return true; },
    // Resolves after n drawn frames (the UI has caught up with API calls); wakes an idle page.
    frames: function (n) {
      wake();
      return new Promise(function (resolve) {
        var left = n || 2;
        (function tick() { wake(); if (--left < 0) resolve(); else requestAnimationFrame(tick); })();
      });
    },
  });
})();
