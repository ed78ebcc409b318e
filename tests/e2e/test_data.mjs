// Datasets in the page (issue 3, Data panel):
//  * "Import folder…" (real mouse click, the browser's file chooser given a folder of PNG class
//    folders) adds the dataset, selects it, and a short run trains on it;
//  * "Import .zip…" does the same for a .zip of class folders; a corrupt .zip is refused with a
//    message in the panel and no console error;
//  * Devanagari digits (when bundled): fetched on demand, 32×32, the Draw canvas follows the
//    image size, and a short run trains on them.
//   node tests/e2e/test_data.mjs [--site build/wasm/site]

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { runE2E, buildDir } from './harness.mjs';
import { assert, waitFor, clickWidget, parkMouse, frames, timer, trainAndWait } from './util.mjs';

// ---- test fixtures: 8-bit grayscale PNGs and a stored (uncompressed) .zip -----------------------
function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

function grayPng(pixels, w, h) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;   // bit depth
  ihdr[9] = 0;   // grayscale
  const raw = Buffer.alloc((w + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w + 1)] = 0;  // filter: none
    for (let x = 0; x < w; x++) raw[y * (w + 1) + 1 + x] = pixels[y * w + x];
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr),
                        pngChunk('IDAT', zlib.deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

// Class k, sample i: a ring (0), a vertical bar (1) or a horizontal bar (2), slightly shifted.
function glyph(k, i, side = 28) {
  const px = new Uint8Array(side * side);
  const dx = (i % 5) - 2, dy = ((i * 3) % 5) - 2, c = (side - 1) / 2;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const u = x - c - dx, v = y - c - dy;
      let on = false;
      if (k === 0) on = Math.abs(Math.hypot(u, v) - 7) < 1.6;
      else if (k === 1) on = Math.abs(u) < 1.6 && Math.abs(v) < 9;
      else on = Math.abs(v) < 1.6 && Math.abs(u) < 9;
      px[y * side + x] = on ? 255 : 0;
    }
  }
  return px;
}

function storedZip(entries) {
  const locals = [], centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBuf = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const t = timer();
await runE2E('data', async (app, { tmp }) => {
  // 3 classes × 16 images as a folder tree and as a zip.
  const folder = path.join(tmp, 'shapes');
  const entries = [];
  for (let k = 0; k < 3; k++) {
    fs.mkdirSync(path.join(folder, String(k)), { recursive: true });
    for (let i = 0; i < 16; i++) {
      const png = grayPng(glyph(k, i), 28, 28);
      fs.writeFileSync(path.join(folder, String(k), `${i}.png`), png);
      entries.push({ name: `${k}/${i}.png`, data: png });
    }
  }
  fs.writeFileSync(path.join(folder, 'README.txt'), 'not an image: ignored');
  const zipFile = path.join(tmp, 'zipshapes.zip');
  fs.writeFileSync(zipFile, storedZip(entries));
  const badZip = path.join(tmp, 'broken.zip');
  fs.writeFileSync(badZip, Buffer.from('PK\x03\x04 this is not really a zip archive'));

  const page = app.page;
  t.step('load');
  const config = () => page.evaluate(() => window.dae.config());

  // Folder import through the real button and the browser's file chooser.
  let [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 15000 }),
                                     clickWidget(page, 'import_folder')]);
  await chooser.setFiles(folder);
  let c = await waitFor(page, () => {
    const k = window.dae.config();
    return k.dataset === 'shapes' || k.data_error ? k : null;
  }, null, { timeout: 30000, what: 'the folder import' });
  assert.equal(c.dataset, 'shapes', `folder import: ${c.data_error}`);
  assert.ok(c.datasets.includes('mnist') && c.datasets.includes('shapes'));
  await trainAndWait(page, { dataset: 'shapes', epochs: 1, batch: 8, train: 36, val: 12, seed: 2 });
  t.step('folder');

  // Zip import, then a broken zip.
  [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 15000 }),
                                 clickWidget(page, 'import_zip')]);
  await chooser.setFiles(zipFile);
  c = await waitFor(page, () => {
    const k = window.dae.config();
    return k.dataset === 'zipshapes' || k.data_error ? k : null;
  }, null, { timeout: 30000, what: 'the zip import' });
  assert.equal(c.dataset, 'zipshapes', `zip import: ${c.data_error}`);
  [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 15000 }),
                                 clickWidget(page, 'import_zip')]);
  await chooser.setFiles(badZip);
  c = await waitFor(page, () => window.dae.config().data_error ? window.dae.config() : null, null,
                    { timeout: 30000, what: 'the broken zip to be refused' });
  assert.equal(c.dataset, 'zipshapes', 'a refused import changed the dataset');
  console.log(`folder and zip imported; broken zip refused: ${c.data_error}`);
  await parkMouse(page);
  await frames(page, 4);
  await app.screenshot(path.join(buildDir, 'screenshot-import.png'));
  t.step('zip');

  // Devanagari digits, fetched on demand.
  const bundled = await page.evaluate(() => fetch('datasets.json').then((r) => r.json()));
  if (bundled.packs.some((p) => p.name === 'dhcd')) {
    await page.evaluate(() => window.dae.reset());
    await page.evaluate(() => window.dae.loadDataset('dhcd'));
    c = await config();
    assert.equal(c.dataset, 'dhcd');
    assert.equal(c.side, 32);
    const st = await trainAndWait(page, { dataset: 'dhcd', arch: 'seed', epochs: 1, batch: 64, train: 512, val: 128,
                                          seed: 4 });
    assert.equal(st.input, 32);
    await frames(page, 3);
    const r = await page.evaluate(() => window.dae.drawCanvasRect());
    assert.equal(r.side, 32, 'the Draw canvas does not follow the 32×32 model');
    await parkMouse(page);
    await frames(page, 4);
    await app.screenshot(path.join(buildDir, 'screenshot-dhcd.png'));
    console.log('Devanagari: loaded on demand, 32×32 model trained, canvas 32×32');
  } else {
    console.log('Devanagari digits not bundled in this build: skipped');
  }
  t.step('dhcd');

  t.report('e2e_data');
});
