// Quiet when idle (issue 8): a page with nothing to do draws at most 2 frames/s. Measured over
// 10 s in headless Chromium and printed: frames drawn per second, the renderer main thread's
// busy time (CDP Performance.getMetrics TaskDuration) and the CPU time of every Chromium
// process of the test (/proc, utime + stime: includes the GPU process that renders with
// SwiftShader). Then input wakes it at once: a mouse move redraws within a few frames.
//   node tests/e2e/test_idle.mjs [--site build/wasm/site]

import fs from 'node:fs';
import { runE2E } from './harness.mjs';
import { assert, waitFor, parkMouse, frames } from './util.mjs';

const SECONDS = 10;

// utime + stime (s) of every process started with this user-data dir.
function browserCpuSeconds(userDataDir) {
  const hz = 100;  // USER_HZ on Linux
  let ticks = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes(userDataDir)) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);  // fields 14 and 15: utime, stime
    } catch { /* the process ended */ }
  }
  return ticks / hz;
}

await runE2E('idle', async (app) => {
  const page = app.page;
  const cdp = await app.context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metric = async (name) => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === name).value;

  await parkMouse(page);
  // Idle begins a second after the last input or activity.
  await waitFor(page, () => window.dae.status().idle, null, { timeout: 20000, what: 'the page to become idle' });
  await page.waitForTimeout(500);
  const s0 = await page.evaluate(() => window.dae.status());
  const f0 = s0.rendered_frames;
  const task0 = await metric('TaskDuration'), script0 = await metric('ScriptDuration');
  const cpu0 = browserCpuSeconds(app.userDataDir);
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));  // hands off: no evaluate while measuring
  const secs = (Date.now() - t0) / 1000;
  const cpu1 = browserCpuSeconds(app.userDataDir);
  const task1 = await metric('TaskDuration'), script1 = await metric('ScriptDuration');
  const st = await page.evaluate(() => window.dae.status());
  const fps = (st.rendered_frames - f0) / secs;
  const mainCpu = (task1 - task0) / secs, scriptCpu = (script1 - script0) / secs, allCpu = (cpu1 - cpu0) / secs;
  console.log(`idle for ${secs.toFixed(1)} s: ${fps.toFixed(2)} frames/s drawn; renderer main thread busy ` +
              `${(mainCpu * 100).toFixed(1)} % (script ${(scriptCpu * 100).toFixed(1)} %); all Chromium processes ` +
              `${(allCpu * 100).toFixed(1)} % of one core`);
  const why = Object.entries(st.renders_by_reason).map(([k, v]) => [k, v - (s0.renders_by_reason[k] || 0)])
    .filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`frames drawn meanwhile, by why: ${why}`);
  assert.ok(st.idle, 'the page left the idle state without input');
  assert.ok(fps <= 2, `${fps.toFixed(2)} frames/s while idle (at most 2)`);

  // Input wakes it at once.
  const before = (await page.evaluate(() => window.dae.status())).rendered_frames;
  const tMove = Date.now();
  await page.mouse.move(640, 400, { steps: 2 });
  const woke = await waitFor(page, (n) => window.dae.status().rendered_frames >= n + 2, before,
                             { timeout: 5000, interval: 10, what: 'a redraw after the mouse moved' });
  console.log(`a mouse move redrew after ${Date.now() - tMove} ms`);
  assert.ok(woke);
  await frames(page, 2);
});
