// shell.js — the loader around the app (web/shell.html): status and errors, the WebAssembly
// check, then dae_app.js and, beside it, the .wasm (compiled as it downloads, with progress),
// then the WebGL 2 check.
'use strict';
(function () {
  // No inline handlers or scripts anywhere: the site's Content-Security-Policy (tools/serve.py)
  // allows scripts from the site itself only.
  document.getElementById('canvas').addEventListener('contextmenu', function (e) { e.preventDefault(); });
  var statusBox = document.getElementById('status');
  var statusText = document.getElementById('status-text');
  var progress = document.getElementById('progress');
  var progressBar = document.getElementById('progress-bar');
  var failed = false;

  function showError(message) {
    if (failed) return;
    failed = true;
    statusBox.classList.add('hidden');
    document.getElementById('error-text').textContent = String(message);
    document.getElementById('error').classList.remove('hidden');
  }

  // Loading messages. The app may use it too (e.g. while fetching data/*.daepack):
  //   daeShell.setStatus('Loading MNIST…', 0.4)   fraction in [0,1], or omitted: indeterminate
  //   daeShell.setStatus('')                        hides the box
  function setStatus(text, fraction) {
    if (failed) return;
    if (!text) { statusBox.classList.add('hidden'); return; }
    statusBox.classList.remove('hidden');
    statusText.textContent = text;
    if (typeof fraction === 'number' && isFinite(fraction)) {
      progress.classList.remove('indeterminate');
      progressBar.style.width = Math.round(Math.max(0, Math.min(1, fraction)) * 100) + '%';
    } else {
      progress.classList.add('indeterminate');
      progressBar.style.width = '';
    }
  }
  window.daeShell = { setStatus: setStatus, showError: showError, build: '', singleReason: '' };

  if (typeof WebAssembly !== 'object') {
    showError('This browser does not support WebAssembly.');
    return;
  }

  // The .wasm's download, started with the app's script (load below) rather than after it.
  var wasmDownload = null;
  function fetchWasm(src) {
    var url = src.replace(/\.js$/, '.wasm');
    return fetch(url, { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status + ' for ' + url);
      return response;
    });
  }

  // The .wasm's bytes as they arrive, counted on the loading line: a Response the browser can
  // compile while it downloads (WebAssembly.instantiateStreaming), or, without that, its bytes.
  function withProgress(response) {
    // Content-Length is the compressed size when the server gzips: then only show bytes.
    var total = response.headers.get('Content-Encoding') ? 0 :
                Number(response.headers.get('Content-Length')) || 0;
    if (!response.body || !response.body.getReader || typeof ReadableStream !== 'function') return response;
    var reader = response.body.getReader(), received = 0;
    var counted = new ReadableStream({
      pull: function (controller) {
        return reader.read().then(function (step) {
          if (step.done) { controller.close(); setStatus('Starting…'); return; }
          received += step.value.length;
          var mb = (received / 1048576).toFixed(1) + ' MB';
          if (total) setStatus('Downloading the app… ' + mb, received / total);
          else setStatus('Downloading the app… ' + mb);
          controller.enqueue(step.value);
        });
      }
    });
    return new Response(counted, { headers: { 'Content-Type': 'application/wasm' } });
  }

  function instantiateWasm(imports, receiveInstance) {
    setStatus('Downloading the app…', 0);
    (wasmDownload || fetchWasm(window.daeShell.build || 'dae_app.js')).then(function (response) {
      var counted = withProgress(response);
      if (WebAssembly.instantiateStreaming) return WebAssembly.instantiateStreaming(counted, imports);
      return counted.arrayBuffer().then(function (buffer) { return WebAssembly.instantiate(buffer, imports); });
    }).then(function (result) {
      receiveInstance(result.instance, result.module);
    }).catch(function (err) {
      showError('Loading the app failed: ' + (err && err.message ? err.message : err));
    });
    return {};  // asynchronous instantiation
  }

  window.Module = {
    canvas: document.getElementById('canvas'),
    instantiateWasm: instantiateWasm,
    print: function (text) { console.log(text); },
    printErr: function (text) { console.warn(text); },
    // Emscripten's own status texts: only file-packager progress "… (done/total)" is shown.
    setStatus: function (text) {
      var m = /\((\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)\)/.exec(text || '');
      if (m && Number(m[2]) > 0) setStatus('Downloading data…', Number(m[1]) / Number(m[2]));
    },
    // main() runs next: the app draws from now on (it may show its own messages, e.g. while
    // fetching data/*.daepack, with daeShell.setStatus).
    onRuntimeInitialized: function () { setStatus(''); },
    onAbort: function (what) { showError('The app stopped: ' + what); }
  };

  window.addEventListener('error', function (e) {
    if (e && e.target && e.target.tagName === 'SCRIPT') showError('Could not load ' + e.target.src);
  }, true);

  // Which build: with threads when the page is cross-origin isolated (SharedArrayBuffer);
  // otherwise try once to become isolated through the coi-serviceworker (it adds the COOP/COEP
  // headers a plain static host does not send, then the page reloads); where that cannot work
  // (service workers disabled, file://, an old browser) the single-threaded build, and the app's
  // header says why.
  function load(src, reason) {
    window.daeShell.build = src;
    window.daeShell.singleReason = reason || '';
    wasmDownload = fetchWasm(src);
    wasmDownload.catch(function () { /* reported by instantiateWasm */ });
    var script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.onerror = function () { showError('Could not load ' + src + '.'); };
    document.body.appendChild(script);
  }
  var triedKey = 'dae-coi-tried';
  var tried = false;
  try { tried = sessionStorage.getItem(triedKey) === '1'; } catch (e) { tried = true; }
  if (self.crossOriginIsolated) {
    try { sessionStorage.removeItem(triedKey); } catch (e) { /* ignore */ }
    load('dae_app.js');
  } else if (!tried && window.isSecureContext && navigator.serviceWorker) {
    setStatus('Enabling multi-threaded training…');
    try { sessionStorage.setItem(triedKey, '1'); } catch (e) { /* ignore */ }
    var settled = false;
    function single(why) {
      if (settled) return;
      settled = true;
      load('dae_app_st.js', why);
    }
    function reload() {
      if (settled) return;
      settled = true;
      location.reload();
    }
    // A browser that "registers" nothing (service workers blocked by policy) or a worker that
    // never activates must not leave the page waiting: the single-threaded build after 10 s.
    setTimeout(function () { single('the service worker did not start, so the page is not cross-origin isolated'); }, 10000);
    navigator.serviceWorker.register('coi-serviceworker.js').then(function (reg) {
      if (!reg) return single('service workers are blocked, so the page is not cross-origin isolated');
      if (reg.active && !navigator.serviceWorker.controller) return reload();
      var sw = reg.installing || reg.waiting;
      if (sw) sw.addEventListener('statechange', function () { if (sw.state === 'activated') reload(); });
      else if (reg.active) reload();
      else single('the service worker did not start, so the page is not cross-origin isolated');
    }, function () {
      single('service workers are unavailable, so the page is not cross-origin isolated');
    });
  } else {
    load('dae_app_st.js', 'page is not cross-origin isolated');
  }

  // WebGL 2, checked once the downloads have started: a first WebGL context can take a second
  // to make (a software renderer), and the app's own comes after it. Without it, the app cannot
  // draw: the error box says why (and the app's own failure later says nothing more).
  var probe = document.createElement('canvas').getContext('webgl2');
  if (!probe) {
    showError('This browser does not provide WebGL 2, which the app needs to draw.\n' +
              'Use a current Chrome, Edge, Firefox or Safari, and check that hardware ' +
              'acceleration is not disabled.');
    return;
  }
  var lose = probe.getExtension('WEBGL_lose_context');
  if (lose) lose.loseContext();
})();
