// Figures as PNG from the page (issue 29, item 1): after a run, a sweep and a drawing, every
// "Save PNG" button — Loss, Results, Data, Runs' sweep chart, Draw, Inspect's filters and
// feature maps — pressed with the real mouse downloads a PNG drawn by the core's figure code
// (core/study/figures.h, as `dae figure` writes it) at 2×: a real PNG of the figure's size with
// a white background, dark text and the content's colours (the loss plot's run in the palette's
// blue, the filters in the blue–white–red map), not a screenshot of the panel. Each button has
// an accessible name ("Save PNG: the loss plot") in Chromium's tree. Then a phone (390×844):
// the Data panel's button is on screen and downloads the same figure, byte for byte what
// `dae figure data` writes with the page's settings (build/wasm/dae.js, the CLI for node).
// Files: build/wasm/e2e-figure-*.png (the downloads), e2e-figures-desktop.png, e2e-figures-phone.png.
//   node tests/e2e/test_figures.mjs [--site build/wasm/site]

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { runE2E, buildDir } from './harness.mjs';
import { assert, clickWidget, tapWidget, frames, parkMouse, timer, trainAndWait, waitFor, waitForText, rectOf } from './util.mjs';

const RUN = { dataset: 'mnist', arch: 'conv8 pool | up conv1:sigmoid', epochs: 2, batch: 64, train: 512, val: 100, seed: 1 };

// The PNG decoded here (8-bit RGB, not interlaced: what the figures are): its size and what its
// pixels hold.
function inspectPng(bytes) {
  assert.equal(bytes.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'not a PNG file');
  const w = bytes.readUInt32BE(16), h = bytes.readUInt32BE(20);
  assert.deepEqual([bytes[24], bytes[25], bytes[28]], [8, 2, 0], 'not an 8-bit RGB PNG without interlacing');
  const idat = [];
  for (let at = 8; at < bytes.length;) {
    const len = bytes.readUInt32BE(at), type = bytes.toString('latin1', at + 4, at + 8);
    if (type === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat)), stride = w * 3, px = Buffer.alloc(stride * h);
  for (let y = 0; y < h; y++) {  // undo each row's filter (PNG spec, 9.2)
    const f = raw[y * (stride + 1)], src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= 3 ? px[y * stride + i - 3] : 0, b = y ? px[(y - 1) * stride + i] : 0;
      const c = i >= 3 && y ? px[(y - 1) * stride + i - 3] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      px[y * stride + i] = (src[i] + pred) & 255;
    }
  }
  const colours = new Set();
  let white = 0, dark = 0, blue = 0, mapBlue = 0;
  for (let i = 0; i < px.length; i += 3) {
    const [r, g, b] = [px[i], px[i + 1], px[i + 2]];
    colours.add((r << 16) | (g << 8) | b);
    if (r === 255 && g === 255 && b === 255) white++;
    if (r < 80 && g < 80 && b < 80) dark++;
    if (r === 31 && g === 119 && b === 180) blue++;      // palette()[0]
    if (r === 41 && g === 92 && b === 204) mapBlue++;    // the blue–white–red map's blue end
  }
  return { width: w, height: h, colours: colours.size, white, dark, blue, mapBlue, n: w * h };
}

// Presses Save PNG `id` with the mouse; the download's bytes, kept as build/wasm/e2e-figure-<id>.png.
async function save(page, id, file) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30000 }), clickWidget(page, `save_png_${id}`)]);
  assert.equal(download.suggestedFilename(), file);
  const out = path.join(buildDir, `e2e-figure-${id}.png`);
  await download.saveAs(out);
  return fs.readFileSync(out);
}

const timings = [];
const t = timer();
await runE2E('figures', async (app) => {
  const page = app.page;
  page.on('console', (m) => { const x = m.text().match(/^figure: (\S+), (\d+) bytes, drawn in (\d+) ms/); if (x) timings.push(x); });
  await trainAndWait(page, RUN);
  await trainAndWait(page, { ...RUN, seed: 2 });
  t.step('train');

  // The accessible names, in Chromium's tree.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Accessibility.enable');
  const names = async () => (await cdp.send('Accessibility.getFullAXTree')).nodes
    .filter((n) => !n.ignored && n.role && n.role.value === 'button' && n.name && /^Save PNG/.test(n.name.value)).map((n) => n.name.value);

  const checks = [];
  const check = async (id, file, expect) => {
    const bytes = await save(page, id, file);
    const px = inspectPng(bytes);
    console.log(`${file}: ${px.width}×${px.height}, ${bytes.length} bytes, ${px.colours} colours, ${(100 * px.white / px.n).toFixed(0)}% white, ` +
                `${px.dark} dark px, palette blue ${px.blue}, map blue ${px.mapBlue}`);
    assert.ok(px.width % 2 === 0 && px.height % 2 === 0, `${file}: 2× figures have even sides`);
    assert.ok(px.white > px.n * 0.03, `${file}: not a figure on white (a screenshot of the dark panel?)`);
    assert.ok(px.dark > 500, `${file}: no title or labels`);
    assert.ok(px.colours > 20, `${file}: too few colours for real content`);
    expect(px);
    checks.push(file);
    for (const n of await names()) seen.add(n);
  };
  const seen = new Set();

  // Loss: both runs overlaid would be two runs; the plotted run alone here: 960×540 at 2×.
  await check('loss', 'dae-loss.png', (px) => {
    assert.equal(px.width, 1920);
    assert.equal(px.height, 1080);
    assert.ok(px.blue > 1000, 'the run is not drawn in the palette blue');
  });
  t.step('loss');

  await clickWidget(page, 'tab_results');
  await waitForText(page, 'results_means', /PSNR/);
  await check('results', 'dae-results.png', (px) => assert.ok(px.width > 1600 && px.height > 700, 'ten columns of three rows'));
  await app.screenshot(path.join(buildDir, 'e2e-figures-desktop.png'));

  await clickWidget(page, 'tab_data');
  await check('data', 'dae-data.png', (px) => assert.ok(px.width > 1400 && px.height > 800, 'eight columns of four rows'));

  await clickWidget(page, 'tab_inspect');
  await rectOf(page, 'inspect_filter_tiles');
  await check('filters', 'dae-filters.png', (px) => assert.ok(px.mapBlue > 0 || px.colours > 100, 'the filters in blue–white–red'));
  await rectOf(page, 'fmap_tiles', 20000);
  await check('fmaps', 'dae-feature-maps.png', (px) => assert.ok(px.colours > 50, 'heat-coloured maps'));
  t.step('results, data, inspect');

  // Draw a "1" with the mouse; the triptych once it is denoised.
  const c = await page.evaluate(() => window.dae.drawCanvasRect());
  await page.mouse.move(c.x + c.width * 0.5, c.y + c.height * 0.2);
  await page.mouse.down();
  for (let s = 1; s <= 12; s++) { await page.mouse.move(c.x + c.width * 0.5, c.y + c.height * (0.2 + 0.05 * s)); await frames(page, 1); }
  await page.mouse.up();
  await parkMouse(page);
  await check('draw', 'dae-drawing.png', (px) => assert.ok(px.width > 1000 && px.height > 350, 'three large tiles'));
  t.step('draw');

  // A sweep of two epochs values, then its chart.
  await page.evaluate((c) => window.dae.configure(c), RUN);
  await clickWidget(page, 'tab_experiments');
  await clickWidget(page, 'sweep_toggle');
  await clickWidget(page, 'sweep_axis');
  await clickWidget(page, 'sweep_axis_epochs');
  await clickWidget(page, 'sweep_values');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('1, 2', { delay: 15 });
  await page.keyboard.press('Enter');
  await clickWidget(page, 'sweep_start');
  await waitForText(page, 'sweep_status', /2 of 2 runs done/, 180000);
  await check('sweep', 'dae-sweep.png', (px) => {
    assert.equal(px.width, 1920);
    assert.ok(px.blue > 300, 'the PSNR line in the palette blue');
  });
  t.step('sweep');

  console.log(`accessible names in Chromium's tree: ${[...seen].join(' | ')}`);
  for (const what of ['the loss plot', 'the noisy, denoised and clean rows', 'the data preview', "the first layer's filters",
                      'the feature maps', 'the drawing, its noisy and its denoised image', 'the sweep chart'])
    assert.ok(seen.has(`Save PNG: ${what}`), `no button named "Save PNG: ${what}"`);
  for (const [file, bytes, ms] of timings.map((m) => [m[1], m[2], m[3]])) console.log(`drawn in the page: ${file} ${bytes} bytes in ${ms} ms`);
  assert.equal(timings.length, checks.length, 'every Save PNG said how long its figure took');
  assert.deepEqual(checks.length, 7);
  t.report('figures');
});

// A phone: the Data panel's Save PNG is on screen, reachable by touch, and downloads the figure.
await runE2E('figures-phone', async (app) => {
  const page = app.page;
  await tapWidget(page, 'tab_data');
  const other = await rectOf(page, 'import_zip');
  let r = await rectOf(page, 'save_png_data', 20000);
  const lay = await page.evaluate(() => window.dae.layout());
  // Below the fold on a phone (finger-sized controls make the panel tall): scrolled into view.
  for (let i = 0; i < 10 && (r.height < other.height - 0.5 || r.y + r.height > lay.display.height); i++) {
    await page.mouse.move(lay.display.width / 2, lay.display.height * 0.6);
    await page.mouse.wheel(0, 150);
    await frames(page, 3);
    r = await rectOf(page, 'save_png_data');
  }
  assert.ok(r.x >= 0 && r.x + r.width <= lay.display.width, `the button ${JSON.stringify(r)} is off screen`);
  assert.ok(r.height >= other.height - 0.5, `the button (${r.height} px) is smaller than Import .zip… (${other.height} px)`);
  console.log(`phone: Save PNG at ${Math.round(r.x)},${Math.round(r.y)} ${Math.round(r.width)}×${Math.round(r.height)} px`);
  await app.screenshot(path.join(buildDir, 'e2e-figures-phone.png'));
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30000 }), tapWidget(page, 'save_png_data')]);
  const out = path.join(buildDir, 'e2e-figure-data-phone.png');
  await download.saveAs(out);
  const px = inspectPng(fs.readFileSync(out));
  console.log(`phone: dae-data.png ${px.width}×${px.height}`);
  assert.equal(download.suggestedFilename(), 'dae-data.png');
  assert.ok(px.width > 1400, 'the same 2× figure as on the desktop');
  // One figure code: `dae figure data` (the CLI, here built for node) with the page's settings
  // writes the same bytes.
  const c = await page.evaluate(() => window.dae.config());
  const cli = path.join(buildDir, 'e2e-figure-data-cli.png');
  execFileSync('node', [path.join(buildDir, 'dae.js'), 'figure', 'data', '--dataset', c.dataset, '--noise', c.noise,
                        '--seed', String(c.seed), '--draw', '1', '--out', cli], { stdio: 'inherit' });
  assert.ok(fs.readFileSync(cli).equals(fs.readFileSync(out)), 'the page and dae figure data drew different PNGs');
  console.log('phone: the page\'s dae-data.png is byte for byte what dae figure data writes');
}, { options: { width: 390, height: 844, deviceScaleFactor: 3, isMobile: true, hasTouch: true } });
