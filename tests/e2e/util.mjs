// Helpers shared by the browser tests (not a test itself: only test_*.mjs are registered).

import assert from 'node:assert/strict';
import zlib from 'node:zlib';

export { assert };

/**
 * Whether timing bounds are asserted (DAE_PERF=1: bench/timing.sh, `tools/test.sh --all`). A
 * bound that holds only on a quiet machine is a benchmark: the default run prints such figures
 * and asserts what holds on a loaded machine too (a user's busy laptop, a shared CI runner).
 */
export const strictTiming = process.env.DAE_PERF === '1';

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
 * arrives first and rests for a few frames (Dear ImGui ignores a click on tabs and overlapping
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

/**
 * A "7" drawn on the Draw pad with the real mouse (6 points, 4 steps between each), then the
 * pad as the page has it: { drawn, noisy, denoised } (arrays of the pad's pixels).
 */
export async function drawSeven(page) {
  const r = await page.evaluate(() => window.dae.drawCanvasRect());
  const at = (u, v) => [r.x + u * r.width, r.y + v * r.height];
  const stroke = [[0.25, 0.25], [0.5, 0.24], [0.72, 0.25], [0.62, 0.45], [0.52, 0.62], [0.45, 0.8]];
  await page.mouse.move(...at(...stroke[0]));
  await page.mouse.down();
  for (let i = 1; i < stroke.length; i++) await page.mouse.move(...at(...stroke[i]), { steps: 4 });
  await page.mouse.up();
  await parkMouse(page);
  await frames(page, 3);
  return page.evaluate(() => { const p = window.dae.drawPanel(); return { drawn: Array.from(p.drawn), noisy: Array.from(p.noisy), denoised: Array.from(p.denoised) }; });
}

/**
 * Draws on the Draw pad with the real mouse for `seconds`, as a person does: horizontal strokes
 * of 20 moves ~16 ms apart (about 60 pointer moves a second) on 7 rows in turn, the pad cleared
 * after every 7 strokes. Resolves to { strokes, moves }.
 */
export async function drawStrokes(page, seconds) {
  const c = await page.evaluate(() => window.dae.drawCanvasRect());
  const t0 = Date.now();
  let strokes = 0, moves = 0;
  while (Date.now() - t0 < seconds * 1000) {
    const row = 0.2 + 0.6 * ((strokes % 7) / 6);
    await page.mouse.move(c.x + c.width * 0.15, c.y + c.height * row);
    await page.mouse.down();
    for (let s = 1; s <= 20; s++) {
      await page.mouse.move(c.x + c.width * (0.15 + 0.035 * s), c.y + c.height * row);
      await page.waitForTimeout(16);
      moves++;
    }
    await page.mouse.up();
    strokes++;
    if (strokes % 7 === 0) await page.evaluate(() => window.dae.clearDrawing());
  }
  return { strokes, moves };
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

/** The sentences the panels drew lately: { id: { text, color } } (window.dae.texts()). */
export function texts(page) {
  return page.evaluate(() => window.dae.texts());
}

/** Waits until the drawn sentence `id` matches `re`; returns it ({ text, color }). */
export async function waitForText(page, id, re, timeout = 15000) {
  return waitFor(page, ([i, src, flags]) => {
    window.dae.frames(1);
    const t = window.dae.texts()[i];
    return t && new RegExp(src, flags).test(t.text) ? t : null;
  }, [id, re.source, re.flags], { timeout, what: `text '${id}' to match ${re}` });
}

/** The confirmation dialog's title, or null (window.dae.config().confirm). */
export async function dialogTitle(page) {
  return (await page.evaluate(() => window.dae.config())).confirm;
}

/** The __metadata__ of a .safetensors file (a Buffer). */
export function safetensorsMetadata(bytes) {
  const n = Number(bytes.readBigUInt64LE(0));
  return JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')).__metadata__ || {};
}

/**
 * What is wrong with a layout (window.dae.layout()), as a list of sentences (empty: fine):
 *  - a panel outside the screen;
 *  - a window whose content (any text or widget) is wider than it shows, with no way to scroll;
 *  - a widget cut off: outside its window's visible area even when the window is scrolled to
 *    either end (the part a person can never see), or wider than its table cell;
 *  - two widgets of one window overlapping (not counting one inside the other, or a row meant
 *    to lie under its cells);
 *  - a text field too narrow to show a value (`minInput` px).
 */
export function layoutProblems(lay, { minInput = 44 } = {}) {
  const out = [];
  const eps = 1.01;
  const D = lay.display;
  const name = (i) => `'${i.label || '(text)'}' in ${i.window}${i.child ? '/' + i.child : ''} ` +
                      `at ${Math.round(i.x)},${Math.round(i.y)} ${Math.round(i.width)}×${Math.round(i.height)}`;
  for (const [p, r] of Object.entries(lay.panels)) {
    if (r.x < -eps || r.y < -eps || r.x + r.width > D.width + eps || r.y + r.height > D.height + eps) {
      out.push(`panel ${p} (${Math.round(r.x)},${Math.round(r.y)} ${Math.round(r.width)}×${Math.round(r.height)}) ` +
               `is not inside the ${D.width}×${D.height} screen`);
    }
  }
  for (const w of lay.windows.filter((w) => !w.popup && !w.text_field)) {
    if (w.scroll.max_x > 1 && !w.scroll.bar_x) {
      out.push(`cut off: the content of ${w.root}${w.name !== w.root ? '/' + w.name : ''} is ` +
               `${Math.round(w.content.width)} px wide, ${Math.round(w.scroll.max_x)} px more than it shows`);
    }
  }
  const items = lay.items.filter((i) => !i.popup && i.width > 0.5 && i.height > 0.5);
  for (const i of items) {
    const v = i.view, s = i.scroll;
    const sx = s.bar_x ? s.max_x : 0;  // without a scrollbar a person cannot scroll sideways
    const x0 = v.x - (s.bar_x ? s.x : 0), x1 = v.x + v.width + (sx - (s.bar_x ? s.x : 0));
    const y0 = v.y - s.y, y1 = v.y + v.height + (s.max_y - s.y);
    if (i.x < x0 - eps || i.x + i.width > x1 + eps || i.y < y0 - eps || i.y + i.height > y1 + eps) {
      out.push(`cut off: ${name(i)} outside the reachable area ${Math.round(x0)}..${Math.round(x1)} × ` +
               `${Math.round(y0)}..${Math.round(y1)}`);
    }
    if (i.cell && (i.x < i.cell.x - eps || i.x + i.width > i.cell.x + i.cell.width + eps)) {
      out.push(`cut off: ${name(i)} wider than its table cell (${Math.round(i.cell.width)} px)`);
    }
    if (i.input && i.width < minInput) out.push(`too narrow to show a value: ${name(i)}`);
  }
  const byWindow = new Map();
  for (const i of items) {
    const k = i.window + '/' + i.child;
    if (!byWindow.has(k)) byWindow.set(k, []);
    byWindow.get(k).push(i);
  }
  const inside = (a, b) => a.x >= b.x - eps && a.y >= b.y - eps && a.x + a.width <= b.x + b.width + eps &&
                           a.y + a.height <= b.y + b.height + eps;
  for (const list of byWindow.values()) {
    for (let m = 0; m < list.length; m++) {
      for (let n = m + 1; n < list.length; n++) {
        const a = list[m], b = list[n];
        if (a.overlap_ok || b.overlap_ok || inside(a, b) || inside(b, a)) continue;
        const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
        const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
        if (w > 1.5 && h > 1.5) out.push(`overlap: ${name(a)} and ${name(b)}`);
      }
    }
  }
  return out;
}

/** Taps the centre of a marked widget with a real touch (the context needs hasTouch). */
export async function tapWidget(page, id) {
  const r = await rectOf(page, id);
  await page.touchscreen.tap(r.x + r.width / 2, r.y + r.height / 2);
  await frames(page, 3);
  return r;
}

/**
 * A finger dragged along `points` (page coordinates) with CDP touch events: touchStart, moves
 * (`steps` between points, a frame apart), touchEnd.
 */
export async function touchDrag(page, cdp, points, steps = 4) {
  const touch = (x, y) => [{ x, y, radiusX: 4, radiusY: 4, force: 1, id: 1 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: touch(...points[0]) });
  await frames(page, 2);
  for (let k = 1; k < points.length; k++) {
    const [ax, ay] = points[k - 1], [bx, by] = points[k];
    for (let s = 1; s <= steps; s++) {
      const t = s / steps;
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: touch(ax + (bx - ax) * t, ay + (by - ay) * t) });
      await frames(page, 1);
    }
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await frames(page, 3);
}

/** Two fingers pressed around (cx, cy), spread apart horizontally (a pinch that zooms in). */
export async function pinch(page, cdp, cx, cy, from = 30, to = 150, steps = 10) {
  const fingers = (d) => [{ x: cx - d, y: cy, radiusX: 4, radiusY: 4, force: 1, id: 1 },
                          { x: cx + d, y: cy + 4, radiusX: 4, radiusY: 4, force: 1, id: 2 }];
  // The page's frames, or (a page without window.dae) a few timer ticks.
  const settle = (n) => page.evaluate((k) => (window.dae ? window.dae.frames(k) : new Promise((r) => setTimeout(r, 40 * k))), n);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: fingers(from).slice(0, 1) });
  await settle(1);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: fingers(from) });
  for (let k = 1; k <= steps; k++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: fingers(from + (to - from) * k / steps) });
    await settle(1);
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await settle(3);
}

/**
 * The colour [r, g, b] on screen at page point (x, y), read from a 1×1 screenshot (what a person
 * sees, after the browser composited the canvas).
 */
export async function pixelAt(page, x, y) {
  const png = await page.screenshot({ clip: { x: Math.floor(x), y: Math.floor(y), width: 1, height: 1 } });
  let type = 0;
  const idat = [];
  for (let o = 8; o < png.length;) {
    const len = png.readUInt32BE(o), kind = png.toString('latin1', o + 4, o + 8);
    if (kind === 'IHDR') type = png[o + 8 + 9];
    if (kind === 'IDAT') idat.push(png.subarray(o + 8, o + 8 + len));
    o += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  assert.ok(type === 2 || type === 6, `screenshot colour type ${type}`);
  return [raw[1], raw[2], raw[3]];  // one row: filter byte, then the pixel (no filter changes it)
}
