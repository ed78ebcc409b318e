// bench/page_rate.mjs — the page's own speed, measured through window.dae (bench/page.mjs,
// bench/tfjs.mjs).

// Page training: `seed` on MNIST, Gaussian 0.5, batch 128 like `dae bench`, a tiny validation
// set, `train` images × `epochs`. Two figures per run:
// - steady: images trained per second between the first status after 1 s of the run and the last
//   one before it ends (as `dae bench` measures: after a warm-up, training steps only);
// - whole: train / elapsed_s, the run from Train to finished (start-up and the end included).
export async function pageRate(page, threads, { train, epochs }) {
  const config = { dataset: 'mnist', arch: 'seed', noise: 'gaussian:0.5', epochs, batch: 128, train,
                   val: 32, seed: 1, threads };
  await page.evaluate((c) => window.dae.train(c), config);
  const seen = [];
  let st;
  for (const t0 = Date.now(); ; await page.waitForTimeout(100)) {
    st = await page.evaluate(() => window.dae.status());
    if (!st.training && !st.paused) break;
    if (Date.now() - t0 > 180000) throw new Error('the run did not finish within 180 s');
    const images = Math.min(train * epochs, (st.epoch * st.steps + st.step) * config.batch);
    if (images > 0 && (seen.length === 0 || seen[seen.length - 1].elapsed !== st.elapsed_s))
      seen.push({ elapsed: st.elapsed_s, images });
  }
  if (st.state !== 'finished') throw new Error(`run ended as ${st.state}: ${st.error}`);
  if (st.threads !== threads) throw new Error(`asked for ${threads} threads, the run used ${st.threads}`);
  const from = seen.find((s) => s.elapsed >= 1), to = seen[seen.length - 1];
  if (!from || to.elapsed - from.elapsed < 1) throw new Error('the run was too short to measure: raise --train');
  return { steady: (to.images - from.images) / (to.elapsed - from.elapsed), whole: train * epochs / st.elapsed_s };
}

// Single-image forward pass of the page's current model (window.dae.denoise, the Draw panel's
// call, on the main thread): median milliseconds of `n` calls after 20 warm-up calls.
export async function pageDenoiseMs(page, n = 200) {
  return page.evaluate((count) => {
    const x = new Float32Array(28 * 28).fill(0.5);
    for (let i = 0; i < 20; i++) window.dae.denoise(x);
    const ms = [];
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      window.dae.denoise(x);
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    return ms[Math.floor(ms.length / 2)];
  }, n);
}
