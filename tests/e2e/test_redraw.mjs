// Redrawing only what changed (web/platform/present.h): the page keeps its frame and, each frame, draws
// again only what changed (the draws between the unchanged beginning and end of each window's
// list). This checks, at moments where stale pixels would show (drawing, a tooltip coming and
// going, a tab switch, training, a dialog, the canvas sized again), that the screen equals a
// full redraw by Dear ImGui's own OpenGL backend pixel for pixel
// (window.dae.checkRedraw()), at 1280×800, at 853×533 with 150 % zoom (fractional pixels) and
// at a phone's 390×844 with 3 pixels per point;
// and that while the user draws only a part of the screen is drawn again, with only the changed
// windows' vertices uploaded to the GPU.
//   node tests/e2e/test_redraw.mjs [--site build/wasm/site]

import { runE2E } from './harness.mjs';
import { assert, waitFor, frames, rectOf, clickWidget, parkMouse, timer, dialogTitle, drawStrokes } from './util.mjs';

const t = timer();

async function check(page, what) {
  await frames(page, 2);
  const before = await page.evaluate(() => window.dae.status().redraw.checks);
  await page.evaluate(() => window.dae.checkRedraw());
  const r = await waitFor(page, (c) => { const s = window.dae.status().redraw; return s.checks > c ? s : null; }, before,
                          { timeout: 10000, what: `the redraw check (${what})` });
  assert.equal(r.check_differing, 0, `${what}: ${r.check_differing} pixels differ from a full redraw`);
  return r;
}

async function scenario(app, label) {
  const page = app.page;
  const redraw = () => page.evaluate(() => window.dae.status().redraw);
  const first = await check(page, `${label}: first frames`);
  assert.ok(first.screen_kept, 'the WebGL context does not keep its buffer: the frame is copied to the screen each time');
  // The tabs of the layout on show; the narrow layout shows the Draw pad on a tab of its own.
  const tabs = Object.keys(await page.evaluate(() => window.dae.rects())).filter((m) => m.startsWith('tab_'));
  if (tabs.includes('tab_draw')) await clickWidget(page, 'tab_draw');

  // Drawing: only a part of the screen is drawn again, and it is the same as a full redraw.
  const a = await redraw();
  await drawStrokes(page, 3);
  const b = await check(page, `${label}: after drawing`);
  const partial = b.partial - a.partial, drawn = partial + b.full - a.full;
  const area = (b.drawn_area - a.drawn_area) / drawn;
  console.log(`${label}: while drawing ${b.frames - a.frames} frames: ${partial} partial, ${b.full - a.full} full, ` +
              `${b.skipped - a.skipped} with nothing to draw; ${(100 * area).toFixed(0)} % of the screen drawn per ` +
              `frame drawn; ${((b.uploads - a.uploads) / drawn).toFixed(2)} windows' vertices uploaded per frame drawn`);
  assert.ok(drawn >= 20, `only ${drawn} frames drawn while drawing`);
  // Each window's vertices stay on the GPU until the window changes: while drawing, about one
  // window (the Draw pad's) is uploaded a frame, not every window over the redrawn rectangles.
  const uploads = (b.uploads - a.uploads) / drawn;
  assert.ok(uploads < 2, `${uploads.toFixed(2)} windows' vertices uploaded per frame while drawing`);
  // In the wide layout the Draw panel is one of six; in the narrow one it fills the screen (a
  // frame that is mostly dirty is drawn whole: one pass is cheaper).
  if ((await page.evaluate(() => window.dae.status().layout)) === 'wide') {
    assert.ok(partial >= 0.8 * drawn, 'drawing redrew the whole screen in most frames');
    assert.ok(area < 0.5, `drawing redrew ${(100 * area).toFixed(0)} % of the screen per frame`);
  }

  // A tooltip appears over other windows, then goes: no trace of it may stay.
  const help = await rectOf(page, 'help_keys');
  await page.mouse.move(help.x + help.width / 2, help.y + help.height / 2, { steps: 3 });
  await waitFor(page, () => window.dae.layout().windows.some((w) => w.popup), null, { what: 'the tooltip' });
  await check(page, `${label}: tooltip shown`);
  await parkMouse(page);
  await waitFor(page, () => !window.dae.layout().windows.some((w) => w.popup), null, { what: 'the tooltip to go' });
  await check(page, `${label}: tooltip gone`);

  // Another tab, and back.
  const back = tabs.includes('tab_draw') ? 'tab_draw' : tabs.find((x) => x !== 'tab_results');
  await clickWidget(page, 'tab_results');
  await check(page, `${label}: Results tab`);
  await clickWidget(page, back);
  await check(page, `${label}: ${back} again`);

  // Training (the progress, the loss plot and the header change every frame) while drawing.
  await page.evaluate(() => window.dae.train({ dataset: 'mnist', arch: 'seed', epochs: 2, batch: 64, train: 2048, val: 128,
                                               seed: 3, threads: 2 }));
  await waitFor(page, () => window.dae.status().step >= 2, null, { timeout: 60000, what: 'the run to start' });
  await check(page, `${label}: training`);
  await drawStrokes(page, 1.5);
  await check(page, `${label}: training and drawing`);
  await page.evaluate(() => window.dae.stop());
  await waitFor(page, () => !window.dae.status().training, null, { timeout: 30000, what: 'the run to stop' });
  await check(page, `${label}: run stopped`);

  // A dialog dims the page, and goes (Cancel keeps the run).
  await clickWidget(page, 'tab_experiments');
  await clickWidget(page, 'run_1');
  await clickWidget(page, 'delete_run');
  assert.equal(await dialogTitle(page), 'Delete run #1?');
  await check(page, `${label}: dialog`);
  await clickWidget(page, 'confirm_2');  // Cancel
  assert.equal(await dialogTitle(page), null, 'Cancel did not close the dialog');
  await check(page, `${label}: dialog closed`);

  // SDL sets the canvas's size on every resize event, even to the same size; browsers that
  // follow the HTML standard to the letter then clear the screen's kept pixels (Chromium does
  // not), so the next frame must be drawn whole.
  const r0 = await redraw();
  await page.evaluate(() => { Module.canvas.width = Module.canvas.width; });
  const r1 = await check(page, `${label}: canvas sized again`);
  assert.ok(r1.full > r0.full, 'the canvas was sized but the next frame was not drawn whole');
  t.step(label);
}

await runE2E('redraw', async (app) => scenario(app, '1280×800'));
await runE2E('redraw', async (app) => scenario(app, '853×533 @150 %'),
             { options: { width: 853, height: 533, deviceScaleFactor: 1.5 } });
await runE2E('redraw', async (app) => scenario(app, '390×844 @300 %'),
             { options: { width: 390, height: 844, deviceScaleFactor: 3 } });
