// Fits every screen (issues 9, 27): the page at a phone (390×844, touch, DPR 3), a landscape phone
// (844×390), 1024×700, a 1280×800 laptop at 125 % and 150 % browser zoom (1024×640 at DPR 1.25,
// 853×533 at DPR 1.5), 1920×1080 and a tablet both ways up (768×1024, 1024×768, touch). The
// small laptops and tablets get the middle layout: two panels on screen at once. On touch
// screens every control is at least 44×44 CSS px. At each size, after a short run (so scores, curves and a
// Runs row are on screen), every panel is shown in turn and window.dae.layout() is checked
// (util.mjs layoutProblems): no panel outside the screen, no window whose content is wider than
// it shows, no widget cut off or overlapping another, no text field too narrow for its value.
// On the narrow and middle layouts Train, the loss plot, Results and Draw are each one tap (or click) away:
// their tab buttons are on screen at once and one tap shows the panel.
// Screenshots: build/wasm/screenshot-<size>-<panel>.png for every size and panel.
//   node tests/e2e/test_layout.mjs [--site build/wasm/site]

import path from 'node:path';
import { startApp, parseArgs, buildDir } from './harness.mjs';
import { assert, clickWidget, tapWidget, parkMouse, frames, layoutProblems, rectOf, waitFor } from './util.mjs';

const SIZES = [
  { name: 'phone', width: 390, height: 844, deviceScaleFactor: 3, isMobile: true, hasTouch: true },
  { name: 'phone-landscape', width: 844, height: 390, deviceScaleFactor: 3, isMobile: true, hasTouch: true },
  { name: '1024x700', width: 1024, height: 700 },
  { name: '1920x1080', width: 1920, height: 1080 },
  { name: 'zoom125', width: 1024, height: 640, deviceScaleFactor: 1.25 },
  { name: 'zoom150', width: 853, height: 533, deviceScaleFactor: 1.5 },
  { name: 'tablet', width: 768, height: 1024, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  { name: 'tablet-landscape', width: 1024, height: 768, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
];
// The layout the page must choose (web/main.cpp): wide on big screens with a mouse; middle (two
// panes) on small laptops and tablets either way up; narrow on phones.
const modeFor = (s) => (s.width >= 1200 && s.height >= 560 && !s.hasTouch ? 'wide'
  : Math.max(s.width, s.height) >= 840 && Math.min(s.width, s.height) >= 500 ? 'middle' : 'narrow');
const CONTROL = new Set(['button', 'checkbox', 'radio', 'tab', 'slider', 'combobox', 'textbox']);
const PANELS = ['Train', 'Loss', 'Draw', 'Results', 'Runs', 'Data', 'Model', 'Files', 'Inspect', 'Latent'];
const TAB = { Train: 'tab_train', Loss: 'tab_loss', Draw: 'tab_draw', Results: 'tab_results', Runs: 'tab_experiments',
              Data: 'tab_data', Model: 'tab_model', Files: 'tab_files', Inspect: 'tab_inspect', Latent: 'tab_latent' };
const ONE_TAP = ['Train', 'Loss', 'Results', 'Draw'];
const RUN = { dataset: 'mnist', arch: 'seed', noise: 'gaussian:0.5', epochs: 1, batch: 64, train: 512, val: 64, seed: 9 };

const args = parseArgs();
const failures = [];
const t0 = Date.now();
// Sizes with the same pixel ratio and input share one page, resized as a phone is turned or a
// window is dragged (the page must follow); a new page for each other ratio.
const same = (a, b) => a && (a.deviceScaleFactor || 1) === (b.deviceScaleFactor || 1) && !!a.hasTouch === !!b.hasTouch;
let app = null, last = null;
for (const size of SIZES) {
  const problems = [];
  try {
    if (same(last, size)) {
      await app.page.setViewportSize({ width: size.width, height: size.height });
      await waitFor(app.page, ([w, h]) => { const d = window.dae.layout().display; return d.width === w && d.height === h; },
                    [size.width, size.height], { what: `the page to follow the resize to ${size.width}×${size.height}` });
      await frames(app.page, 2);  // the layout follows the size the frame after
    } else {
      if (app) await app.teardown();
      app = null;
      app = await startApp({ site: args.site, timeout: args.timeout, ...size });
      await app.page.evaluate((c) => window.dae.train(c), RUN);
      await waitFor(app.page, () => !window.dae.status().training, null, { timeout: 120000, what: 'the short run' });
    }
    last = size;
    const page = app.page;
    const layout = () => page.evaluate(() => window.dae.layout());
    const press = (id) => (size.hasTouch ? tapWidget(page, id) : clickWidget(page, id));
    let lay = await layout();
    const mode = lay.mode;
    assert.equal(mode, modeFor(size));
    if (mode !== 'wide') {
      // One tap to each of the four, their buttons all on screen from the start.
      for (const p of ONE_TAP) {
        const r = await rectOf(page, TAB[p]);
        assert.ok(r.x >= 0 && r.y >= 0 && r.x + r.width <= size.width + 0.5 && r.y + r.height <= size.height + 0.5,
                  `${size.name}: the ${p} tab button is off screen`);
      }
    }
    for (const p of PANELS) {
      const tabbed = mode !== 'wide' || !['Train', 'Loss', 'Draw'].includes(p);
      if (tabbed) await press(TAB[p]);
      if (!size.hasTouch) await parkMouse(page);
      await frames(page, 3);
      // The panel's images come from the helper (Latent's map a moment later): measured once
      // they are in, and the frames after them have settled the content's size.
      await waitFor(page, () => !window.dae.status().model_work.busy && !window.dae.latent().tsne_busy, null,
                    { what: `${p}'s images`, timeout: 30000 });
      await frames(page, 3);
      lay = await layout();
      assert.ok(lay.panels[p], `${size.name}: one ${size.hasTouch ? 'tap' : 'click'} did not show ${p} ` +
                               `(shown: ${Object.keys(lay.panels).join(', ')})`);
      if (mode === 'narrow') assert.equal(lay.narrow_tab, p);
      if (mode === 'middle') {
        assert.ok([lay.middle_first, lay.middle_second].includes(p), `${size.name}: ${p} is not in a pane`);
        assert.ok(Object.keys(lay.panels).length >= 2, `${size.name}: one panel on screen (${Object.keys(lay.panels)})`);
      }
      for (const q of layoutProblems(lay)) if (!problems.includes(q)) problems.push(q);
      if (size.hasTouch) {  // finger-sized: every control at least 44×44 CSS px (WCAG 2.5.5)
        for (const c of await page.evaluate(() => window.dae.controls())) {
          if (!CONTROL.has(c.role) || (c.width >= 43.5 && c.height >= 43.5)) continue;
          const q = `${c.role} '${c.name}' in ${c.panel} is ${Math.round(c.width)}×${Math.round(c.height)} CSS px (< 44×44)`;
          if (!problems.includes(q)) problems.push(q);
        }
      }
      await app.screenshot(path.join(buildDir, `screenshot-${size.name}-${p.toLowerCase()}.png`));
    }
    app.assertNoErrors();
    console.log(`${size.name} (${size.width}×${size.height} @${size.deviceScaleFactor || 1}, ${mode}): ` +
                `${PANELS.length} panels checked, ${problems.length} problem(s)`);
  } catch (e) {
    problems.push(`error: ${e.stack || e.message}`);
    if (app) await app.screenshot(path.join(buildDir, `screenshot-failure-layout-${size.name}.png`)).catch(() => {});
    last = null;  // a fresh page for the next size
  }
  for (const q of problems) failures.push(`${size.name}: ${q}`);
}
if (app) await app.teardown();
console.log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
if (failures.length) {
  console.error(`e2e layout FAILED:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
} else {
  console.log('e2e_layout: passed');
}
