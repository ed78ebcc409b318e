// Smooth while training (issue 12): a run trains on 2 worker threads while the user draws on the
// Draw pad with the real mouse for several seconds. Then, over the frames of the drawing:
//  * main-thread work per frame p95 ≤ 8 ms and frame interval p95 ≤ 50 ms (the app's own
//    numbers, window.dae.status(); the page's requestAnimationFrame intervals are printed too);
//  * every stroke showed its denoised image within 2 frames (the app counts the frames from the
//    one that applied the stroke to the one that shows its output);
//  * training went on meanwhile (samples/s > 0), on 1 of its 2 threads while the user drew and
//    on both again a second after; the run can be stopped and kept.
//   node tests/e2e/test_smooth.mjs [--site build/wasm/site]

import os from 'node:os';
import path from 'node:path';
import { runE2E, buildDir } from './harness.mjs';
import { assert, waitFor, parkMouse, timer, drawStrokes, strictTiming } from './util.mjs';

const DRAW_SECONDS = 8;

const t = timer();
await runE2E('smooth', async (app) => {
  const page = app.page;
  await page.evaluate(() => window.dae.train({ dataset: 'mnist', arch: 'seed', epochs: 4, batch: 64, train: 9000,
                                               val: 256, seed: 8, threads: 2 }));
  await waitFor(page, () => window.dae.status().step >= 3, null, { timeout: 60000, what: 'the run to start' });
  // Steps done so far in the whole run (an epoch boundary during the measurement resets `step`).
  const done = (s) => s.epoch * s.steps + s.step;
  const stepsBefore = done(await page.evaluate(() => window.dae.status()));

  // The page's own view of the frames: requestAnimationFrame intervals while drawing.
  await page.evaluate(() => {
    window.__raf = [];
    let last = performance.now();
    (function tick(now) {
      if (!window.__raf) return;
      window.__raf.push(now - last);
      last = now;
      requestAnimationFrame(tick);
    })(performance.now());
  });

  // Draw: strokes across the canvas, as a person does (about 60 pointer moves a second).
  const { strokes, moves } = await drawStrokes(page, DRAW_SECONDS);
  const st = await page.evaluate(() => window.dae.status());
  const draw = await page.evaluate(() => {
    const d = window.dae.drawPanel();
    return { latency: d.latency_frames, worst: d.max_latency_frames };
  });
  const raf = await page.evaluate(() => { const r = window.__raf; window.__raf = null; return r.slice(1); });
  t.step('draw while training');
  await parkMouse(page);

  const p95 = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(0.95 * s.length))]; };
  const rafP95 = p95(raf), rafFps = raf.length / DRAW_SECONDS;
  console.log(`while training on ${st.threads} threads and drawing ${strokes} strokes (${moves} moves) for ` +
              `${DRAW_SECONDS} s: main-thread work p95 ${st.main_work_ms_p95.toFixed(1)} ms (median ` +
              `${st.main_work_ms_p50.toFixed(1)}), frame p95 ` +
              `${st.frame_ms_p95.toFixed(1)} ms (page rAF p95 ${rafP95.toFixed(1)} ms, ${rafFps.toFixed(0)} frames/s), ` +
              `stroke → denoised worst ${draw.worst} frame(s), training ${st.samples_per_s.toFixed(0)} samples/s ` +
              `(${done(st) - stepsBefore} steps meanwhile)`);
  const parts = Object.entries(st.main_work_parts_ms_p95).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
  const rd = st.redraw;
  console.log(`main-thread p95 by part (ms): ${parts}; since the page loaded ${rd.partial} frames drawn in part, ` +
              `${rd.full} in full, ${rd.skipped} with nothing to draw`);
  await app.screenshot(path.join(buildDir, 'screenshot-smooth.png'));

  assert.equal(st.training, true, 'the run ended before the measurement did: make it longer');
  assert.equal(st.threads, 2);
  assert.ok(done(st) > stepsBefore && st.samples_per_s > 0, 'training stalled while drawing');
  assert.ok(draw.worst >= 1, 'no stroke was measured');
  assert.ok(draw.worst <= 2, `a stroke took ${draw.worst} frames to show its denoised image`);
  // Issue 12's targets: main-thread work p95 <= 8 ms, frame p95 <= 50 ms. Measured figures and
  // where their tail comes from: bench/README.md ("The page while drawing"). This is a `perf`
  // story (a timing measurement, not run by default): with DAE_PERF=1 (bench/timing.sh) it
  // asserts the targets; otherwise it guards against gross regressions and prints them.
  const strict = strictTiming || process.env.DAE_SMOOTH_STRICT === '1';
  const [mainTarget, frameTarget] = [8, 50];
  const [mainMax, frameMax] = strict ? [mainTarget, frameTarget] : [20, 100];
  const met = st.main_work_ms_p95 <= mainTarget && st.frame_ms_p95 <= frameTarget;
  console.log(`issue 12's targets (main-thread work p95 <= ${mainTarget} ms, frame p95 <= ${frameTarget} ms): ` +
              `${met ? 'met' : 'NOT met'} ` +
              `here (software GL on ${os.cpus().length} cores)` + (strict ? '' : `; guarding at ${mainMax} / ${frameMax} ms`));
  assert.ok(st.main_work_ms_p95 <= mainMax, `main-thread work p95 ${st.main_work_ms_p95.toFixed(1)} ms > ${mainMax} ms`);
  assert.ok(st.frame_ms_p95 <= frameMax, `frame p95 ${st.frame_ms_p95.toFixed(1)} ms > ${frameMax} ms`);

  // While drawing, the run left one of its 2 threads idle (the page's thread had a core); left
  // alone for a second, it trains on both again.
  assert.equal(st.spare_threads, 1, 'drawing did not leave a thread to the page');
  assert.match(st.threads_text, /^2 threads \(1 while you work\)$/);
  const alone = await waitFor(page, () => { const s = window.dae.status(); return s.spare_threads === 0 ? s : null; }, null,
                              { timeout: 5000, what: 'the run to take both threads back' });
  assert.equal(alone.threads_text, '2 threads');
  console.log(`while drawing: "${st.threads_text}"; left alone: "${alone.threads_text}"`);

  // Stopping keeps the run and its model.
  await page.evaluate(() => window.dae.stop());
  const end = await waitFor(page, () => { const s = window.dae.status(); return s.training ? null : s; }, null,
                            { timeout: 30000, what: 'the run to stop' });
  assert.equal(end.state, 'stopped');
  const runs = await page.evaluate(() => window.dae.runs());
  assert.ok(runs.runs.some((r) => r.id === end.run_id && r.has_model), 'the stopped run has no model');
  t.step('stop');
  t.report('e2e_smooth');
});
