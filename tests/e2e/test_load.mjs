// The app loads in headless Chromium: window.dae.ready becomes true, no console errors,
// a WebGL2 canvas fills the window. Screenshot: build/wasm/screenshot-load.png.
//   node tests/e2e/test_load.mjs [--site build/wasm/site] [--timeout 90000]

import fs from 'node:fs';
import path from 'node:path';
import { startApp, parseArgs, buildDir } from './harness.mjs';

const args = parseArgs();
let app;
try {
  app = await startApp({ site: args.site, timeout: args.timeout });
  console.log(`dae.ready after ${app.readyMs} ms`);

  const info = await app.page.evaluate(() => {
    const c = document.getElementById('canvas');
    const status = document.getElementById('status');
    return {
      width: c.width, height: c.height, cssWidth: c.clientWidth, cssHeight: c.clientHeight,
      statusHidden: status.classList.contains('hidden'),
    };
  });
  if (info.cssWidth !== 1280 || info.cssHeight !== 800) {
    throw new Error(`canvas CSS size ${info.cssWidth}x${info.cssHeight}, expected 1280x800`);
  }
  if (info.width !== 1280 || info.height !== 800) {
    throw new Error(`canvas drawing buffer ${info.width}x${info.height}, expected 1280x800`);
  }
  if (!info.statusHidden) throw new Error('the loading message is still shown');

  // Let a few more frames run, then check again for errors (e.g. GL errors in the loop).
  await app.page.waitForTimeout(500);
  const shot = await app.screenshot(path.join(buildDir, 'screenshot-load.png'));
  console.log(`screenshot: ${shot}`);
  // Something was drawn: the ImGui window (text, widgets) on the cleared background.
  const stats = await app.imageStats(fs.readFileSync(shot));
  console.log(`screenshot: ${stats.distinctColors} colours, ` +
              `${(stats.dominantFraction * 100).toFixed(1)}% background`);
  if (stats.distinctColors < 16 || stats.dominantFraction > 0.995) {
    throw new Error('the screenshot looks blank: nothing rendered?');
  }
  app.assertNoErrors();
  console.log('e2e_load: 1 passed, 0 failed');
} catch (e) {
  console.error(`e2e load FAILED: ${e.message}`);
  process.exitCode = 1;
} finally {
  if (app) await app.teardown();
}
