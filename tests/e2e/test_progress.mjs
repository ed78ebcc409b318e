// Honest progress (issues 8 and 25): on a 6-epoch run whose validation set is a third of its
// training set, samples/s and the ETA are wall-clock values. A `perf` story (a timing
// measurement: bench/timing.sh, `tools/test.sh --all`, not the default run).
//  * every ETA shown from 10 % to 90 % of the run is within ±10 % (DAE_PERF=1; ±25 % otherwise)
//    of the time that actually remained (measured here, by the clock of the test): validation
//    counts, and the ETA does not jump at epoch boundaries;
//  * the samples/s shown (wall clock, a few seconds' window) average within ±25 % of the
//    throughput actually achieved (training images / wall time of the run);
//  * the run record's wall time equals the measured duration (compute time is a detail, never
//    more than the wall time), and the Training panel says "took m:ss (N images/s)".
//   node tests/e2e/test_progress.mjs [--site build/wasm/site]

import { runE2E } from './harness.mjs';
import { assert, waitFor, parkMouse, timer, waitForText, strictTiming } from './util.mjs';

const RUN = { dataset: 'mnist', arch: 'seed', noise: 'gaussian:0.5', epochs: 6, batch: 64, train: 7500, val: 2500, seed: 4 };

const t = timer();
await runE2E('progress', async (app) => {
  const page = app.page;
  await parkMouse(page);
  t.step('load');

  const t0 = Date.now();
  await page.evaluate((c) => window.dae.train(c), RUN);
  const samples = [];
  let last;
  for (;;) {
    last = await page.evaluate(() => window.dae.status());
    const now = Date.now();
    if (!last.training) break;
    samples.push({ t: (now - t0) / 1000, progress: last.progress, eta: last.eta_s, rate: last.samples_per_s });
    if (now - t0 > 240000) throw new Error('the run did not finish in 4 minutes');
    await page.waitForTimeout(100);
  }
  const total = (Date.now() - t0) / 1000;
  assert.equal(last.state, 'finished', `the run ended as ${last.state}: ${last.error}`);
  t.step('train');

  // ETA against the time that actually remained.
  const judged = samples.filter((s) => s.progress >= 0.1 && s.progress <= 0.9);
  assert.ok(judged.length >= 20, `only ${judged.length} samples between 10 % and 90 %`);
  let worst = { err: 0 };
  for (const s of judged) {
    assert.ok(Number.isFinite(s.eta), `no ETA at ${(s.progress * 100).toFixed(0)} %`);
    const remaining = total - s.t;
    const err = (s.eta - remaining) / remaining;
    if (Math.abs(err) > Math.abs(worst.err)) worst = { err, at: s.progress, eta: s.eta, remaining };
  }
  const at = (p) => judged.find((s) => s.progress >= p);
  if (process.env.DAE_PROGRESS_TRACE) for (const s of samples.filter((_, i) => i % 10 == 0)) console.log(`t ${s.t.toFixed(1)} p ${(s.progress*100).toFixed(1)} rate ${s.rate.toFixed(0)} eta ${(s.eta ?? NaN).toFixed(1)} actual ${(total - s.t).toFixed(1)}`);
  console.log(`${RUN.epochs} epochs of ${RUN.train} images in ${total.toFixed(1)} s; ETA at 10 % ${at(0.1).eta.toFixed(1)} s ` +
              `(actual ${(total - at(0.1).t).toFixed(1)} s), at 50 % ${at(0.5).eta.toFixed(1)} s (actual ` +
              `${(total - at(0.5).t).toFixed(1)} s); worst error ${(worst.err * 100).toFixed(1)} % at ` +
              `${(worst.at * 100).toFixed(0)} % (ETA ${worst.eta.toFixed(1)} s, actual ${worst.remaining.toFixed(1)} s) ` +
              `over ${judged.length} samples`);
  // The target is ±10 % on a quiet machine (DAE_PERF=1 holds it to that); on a shared one the
  // throughput itself drifts within a run (here 680 → 960 images/s in one run), so ±25 %.
  assert.ok(Math.abs(worst.err) <= (strictTiming ? 0.10 : 0.25), `ETA off by ${(worst.err * 100).toFixed(1)} % at ${(worst.at * 100).toFixed(0)} %`);

  // samples/s against the throughput achieved.
  const run = (await page.evaluate(() => window.dae.runs())).runs.at(-1);
  const actual = RUN.train * RUN.epochs / run.wall_seconds;
  const rates = judged.map((s) => s.rate).filter((r) => r > 0);
  const shownRate = rates.reduce((a, b) => a + b, 0) / rates.length;
  console.log(`samples/s shown: mean ${shownRate.toFixed(0)} (min ${Math.min(...rates).toFixed(0)}, max ` +
              `${Math.max(...rates).toFixed(0)}); achieved ${actual.toFixed(0)} (wall); compute-only rate would be ` +
              `${(RUN.train * RUN.epochs / run.seconds).toFixed(0)}`);
  assert.ok(Math.abs(shownRate - actual) / actual <= 0.25, `samples/s shown ${shownRate.toFixed(0)} vs achieved ${actual.toFixed(0)}`);

  // The record's wall time is the measured one; compute time is part of it.
  console.log(`run record: wall ${run.wall_seconds.toFixed(1)} s (measured ${total.toFixed(1)} s), compute ${run.seconds.toFixed(1)} s`);
  assert.ok(Math.abs(run.wall_seconds - total) <= Math.max(1.0, 0.05 * total), 'the run\'s wall time is not the measured one');
  assert.ok(run.seconds <= run.wall_seconds + 0.05, 'compute time exceeds wall time');
  const took = await waitForText(page, 'training_rate', /^took \d+:\d\d \([\d,]+ images\/s\)/);
  console.log(`Training panel: "${took.text}"`);
  t.step('checks');
  t.report('e2e_progress');
});
