// bench/tfjs/bench.js — trains / runs the `seed` denoiser with TensorFlow.js in the page, for
// bench/tfjs.mjs. ?backend=webgl|wasm|cpu&threads=N (wasm: threads only under cross-origin
// isolation; set before the backend starts, so one backend and thread count per page load).
// &cores=C makes navigator.hardwareConcurrency say C: TF.js's wasm backend caps its thread pool
// at hardwareConcurrency / 2 (it assumes 2 hyperthreads per core), 1 thread on a 2-vCPU machine.
// window.tfbench: { ready, error, info, train(warmup, batches), infer(batch, warmup, count) }.
'use strict';
(function () {
  const q = new URLSearchParams(location.search);
  const backend = q.get('backend') || 'webgl', threads = Number(q.get('threads') || 0);
  const BATCH = 128, BATCHES = 8, SIDE = 28;
  if (q.get('cores')) Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => Number(q.get('cores')) });
  const bench = window.tfbench = { ready: false, error: null, info: null };

  // mulberry32 + Box-Muller: Gaussian noise σ = 0.5 on the digits, clipped to [0, 1] (dae's gaussian:0.5).
  function rng(seed) {
    let a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  function noisy(clean, seed) {
    const u = rng(seed), out = new Float32Array(clean.length);
    for (let i = 0; i < clean.length; i++) {
      const g = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
      out[i] = Math.min(1, Math.max(0, clean[i] + 0.5 * g));
    }
    return out;
  }

  // `seed`: the same layers as dae's preset (core/nn presets; bench/pytorch_reference.py build).
  function seedModel() {
    const conv = (filters, activation, extra) => tf.layers.conv2d(
      Object.assign({ filters, kernelSize: 3, padding: 'same', activation }, extra || {}));
    const model = tf.sequential({ layers: [
      conv(32, 'relu', { inputShape: [SIDE, SIDE, 1] }), tf.layers.maxPooling2d({ poolSize: 2 }),
      conv(64, 'relu'), tf.layers.maxPooling2d({ poolSize: 2 }),
      conv(64, 'relu'), tf.layers.upSampling2d({ size: [2, 2] }),
      conv(32, 'relu'), tf.layers.upSampling2d({ size: [2, 2] }),
      conv(1, 'sigmoid')] });
    // tf.train.adam puts ε after bias correction (like torch.optim.Adam), dae before (Keras):
    // the same work per step, slightly different numbers in the first steps.
    model.compile({ optimizer: tf.train.adam(1e-3, 0.9, 0.999, 1e-7), loss: 'binaryCrossentropy' });
    return model;
  }

  async function init() {
    if (backend === 'wasm') {
      tf.wasm.setWasmPaths(new URL('./', location.href).href);
      if (threads > 0) tf.wasm.setThreadsCount(threads);
    }
    if (!(await tf.setBackend(backend))) throw new Error('TF.js backend ' + backend + ' did not start');
    await tf.ready();
    const bytes = new Uint8Array(await (await fetch('mnist.u8')).arrayBuffer());
    const n = BATCH * BATCHES * SIDE * SIDE;
    if (bytes.length < n) throw new Error('mnist.u8 holds ' + bytes.length + ' bytes, need ' + n);
    const clean = Float32Array.from(bytes.subarray(0, n), (b) => b / 255);
    const x = noisy(clean, 1);
    const shape = [BATCH, SIDE, SIDE, 1], per = BATCH * SIDE * SIDE;
    bench.xs = [], bench.ts = [];
    for (let b = 0; b < BATCHES; b++) {
      bench.xs.push(tf.tensor4d(x.subarray(b * per, (b + 1) * per), shape));
      bench.ts.push(tf.tensor4d(clean.subarray(b * per, (b + 1) * per), shape));
    }
    bench.model = seedModel();
    const info = { backend: tf.getBackend(), params: bench.model.countParams(), tfjs: tf.version.tfjs, cores: navigator.hardwareConcurrency,
                   isolated: self.crossOriginIsolated === true, visibility: document.visibilityState };
    if (backend === 'wasm') {
      info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      info.multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
      info.threads = tf.wasm.getThreadsCount ? tf.wasm.getThreadsCount() : null;
    }
    if (backend === 'webgl') {
      const gl = tf.backend().gpgpu && tf.backend().gpgpu.gl;
      const dbg = gl && gl.getExtension('WEBGL_debug_renderer_info');
      info.renderer = dbg ? gl.getParameter(dbg.UNMASKED_RENDERER_WEBGL) : null;
    }
    bench.info = info;
  }

  // Training samples/s over `batches` trainOnBatch calls after `warmup` of them (each call ends
  // with the loss read back, so every step has finished). { error } when the backend cannot train.
  bench.train = async function (warmup, batches) {
    const step = (i) => bench.model.trainOnBatch(bench.xs[i % BATCHES], bench.ts[i % BATCHES]);
    let loss;
    try {
      for (let i = 0; i < warmup; i++) loss = await step(i);
    } catch (e) {
      return { error: String(e && e.message ? e.message : e) };
    }
    const t0 = performance.now();
    for (let i = 0; i < batches; i++) loss = await step(warmup + i);
    const s = (performance.now() - t0) / 1000;
    return { samples_per_s: batches * BATCH / s, seconds: s, loss, tensors: tf.memory().numTensors };
  };

  // Forward passes of `batch` images (1 or 128), read back: median ms per call and samples/s.
  bench.infer = async function (batch, warmup, count) {
    const x = batch === BATCH ? bench.xs[0] : bench.xs[0].slice([0, 0, 0, 0], [batch, SIDE, SIDE, 1]);
    const once = async () => { const y = bench.model.predict(x); await y.data(); y.dispose(); };
    for (let i = 0; i < warmup; i++) await once();
    const ms = [];
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      await once();
      ms.push(performance.now() - t);
    }
    if (x !== bench.xs[0]) x.dispose();
    ms.sort((a, b) => a - b);
    const med = ms[Math.floor(ms.length / 2)];
    return { ms: med, samples_per_s: batch * 1000 / med };
  };

  init().then(() => { bench.ready = true; },
              (e) => { bench.error = String(e && e.stack ? e.stack : e); });
})();
