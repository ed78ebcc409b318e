// Helpers shared by the browser tests (not a test itself: only test_*.mjs are registered).

import assert from 'node:assert/strict';

export { assert };

/** Polls `fn` (evaluated in the page with `arg`) until it returns a truthy value. */
export async function waitFor(page, fn, arg, { timeout = 30000, interval = 100, what = 'condition' } = {}) {
  const t0 = Date.now();
  for (;;) {
    const v = await page.evaluate(fn, arg);
    if (v) return v;
    if (Date.now() - t0 > timeout) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await page.waitForTimeout(interval);
  }
}

/** Starts a run through window.dae.train and waits until it has finished; returns the status. */
export async function trainAndWait(page, config, { timeout = 180000, log = true } = {}) {
  const t0 = Date.now();
  await page.evaluate((c) => window.dae.train(c), config);
  let last = '';
  const st = await waitFor(page, () => {
    const s = window.dae.status();
    return s.training || s.paused ? null : s;
  }, null, { timeout, interval: 500, what: 'the training run to finish' });
  if (log) {
    const h = st.history[st.history.length - 1] || {};
    console.log(`trained ${JSON.stringify(config)} in ${((Date.now() - t0) / 1000).toFixed(1)} s: ` +
                `state ${st.state}, val PSNR ${Number(h.val_psnr).toFixed(2)} dB (noisy ${Number(st.noisy_psnr).toFixed(2)})`);
  }
  if (st.state !== 'finished') throw new Error(`run ended as ${st.state}: ${st.error || last}`);
  return st;
}

/** Page rectangle of a widget the app marked (window.dae.rect); waits until it is drawn. */
export async function rectOf(page, id, timeout = 10000) {
  return waitFor(page, (i) => window.dae.rect(i), id, { timeout, what: `widget '${id}'` });
}

/**
 * Clicks the centre of a marked widget with the real mouse, as a person does: the pointer
 * arrives first and rests for a few frames (ImGui 1.86 ignores a click on tabs and overlapping
 * items in the very frame the pointer arrives from another hovered widget).
 */
export async function clickWidget(page, id) {
  // The layout may still be settling after the previous action: wait for a stable rectangle.
  let r = await rectOf(page, id);
  for (let i = 0; i < 10; i++) {
    await frames(page, 2);
    const again = await rectOf(page, id);
    const same = ['x', 'y', 'width', 'height'].every((k) => Math.abs(again[k] - r[k]) < 0.5);
    r = again;
    if (same) break;
  }
  await page.mouse.move(r.x + r.width / 2, r.y + r.height / 2, { steps: 3 });
  await frames(page, 3);
  await page.mouse.down();
  await frames(page, 2);
  await page.mouse.up();
  await frames(page, 2);
  return r;
}

/** A place to park the pointer where it hovers nothing (the header's empty middle). */
export async function parkMouse(page) {
  await page.mouse.move(700, 18);
}

/** Waits for `n` animation frames in the page. */
export function frames(page, n = 3) {
  return page.evaluate((k) => window.dae.frames(k), n);
}

export function mse(a, b) {
  assert.equal(a.length, b.length);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}

export function maxAbsDiff(a, b) {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A fixed, reproducible test image (side²): a ring and a stroke plus deterministic noise. */
export function fixedImage(side = 28, seed = 7) {
  const out = new Array(side * side);
  let s = seed >>> 0;
  const rnd = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
  const c = (side - 1) / 2;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const r = Math.hypot(x - c, y - c);
      const ring = Math.exp(-(((r - side * 0.28) / 1.5) ** 2));
      const v = Math.min(1, ring) + (rnd() - 0.5) * 0.6;
      out[y * side + x] = Math.max(0, Math.min(1, v));
    }
  }
  return out;
}

/** Records how long each step of a test takes (printed at the end). */
export function timer() {
  const t0 = Date.now();
  let last = t0;
  const steps = [];
  return {
    step(name) { const now = Date.now(); steps.push(`${name} ${((now - last) / 1000).toFixed(1)} s`); last = now; },
    report(label) { console.log(`${label}: ${steps.join(', ')}; total ${((Date.now() - t0) / 1000).toFixed(1)} s`); },
  };
}
