// The page and the command line run the same core: a training run in the page — on 2 worker
// threads or on 1 — gives exactly the weights and validation numbers of `dae train` with the
// same settings run by node on the same wasm engine (build/wasm/dae.js, 1 and 2 threads) — bit
// for bit, since a run depends neither on the thread count nor on how the work is sliced — and
// agrees with the native build (other GEMM kernels) to rounding.
//   node tests/e2e/test_cli_parity.mjs [--site build/wasm/site]

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runE2E, buildDir, repoRoot } from './harness.mjs';
import { assert, trainAndWait, timer } from './util.mjs';
import { tensors } from './fixtures.mjs';

function cliEval(cmd, cmdArgs) {
  return JSON.parse(execFileSync(cmd[0], [...cmd.slice(1), ...cmdArgs], { encoding: 'utf8' }).trim().split('\n').pop());
}

const t = timer();
const config = { dataset: 'mnist', arch: 'seed', noise: 'gaussian:0.5', epochs: 1, batch: 32, train: 480, val: 96, seed: 11 };
const flags = ['--dataset', 'mnist', '--arch', 'seed', '--noise', 'gaussian:0.5', '--epochs', '1', '--batch', '32',
               '--train', '480', '--val', '96', '--seed', '11', '--quiet'];
await runE2E('cli_parity', async (app, { tmp }) => {
  const page = app.page;
  // The page on 2 worker threads, then on 1: the same weights.
  const st = await trainAndWait(page, { ...config, threads: 2 });
  assert.equal(st.threads, 2);
  const pageModel = Buffer.from(await page.evaluate(() => Array.from(window.dae.downloadModel())));
  const pageVal = st.history[st.history.length - 1];
  const st1 = await trainAndWait(page, { ...config, threads: 1 });
  assert.equal(st1.threads, 1);
  const pageModel1 = Buffer.from(await page.evaluate(() => Array.from(window.dae.downloadModel())));
  const a1 = tensors(pageModel1), a2 = tensors(pageModel);
  for (const name of Object.keys(a2)) assert.ok(a1[name].equals(a2[name]), `${name} differs between 1 and 2 threads`);
  console.log('page on 1 thread = page on 2 threads, bit for bit');
  t.step('page');

  // The same run on the same engine, through the CLI under node.
  const wasmCli = path.join(buildDir, 'dae.js');
  assert.ok(fs.existsSync(wasmCli), `${wasmCli} missing (cmake --build --preset wasm builds it)`);
  const wasmOut = path.join(tmp, 'wasm.safetensors');
  execFileSync('node', [wasmCli, 'train', ...flags, '--threads', '1', '--out', wasmOut], { stdio: 'inherit' });
  const wasmOut2 = path.join(tmp, 'wasm2.safetensors');
  execFileSync('node', [wasmCli, 'train', ...flags, '--threads', '2', '--out', wasmOut2], { stdio: 'inherit' });
  const a = tensors(pageModel), b = tensors(fs.readFileSync(wasmOut)), b2 = tensors(fs.readFileSync(wasmOut2));
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
  for (const name of Object.keys(a)) {
    assert.ok(a[name].equals(b[name]), `${name} differs between the page and the wasm CLI (1 thread)`);
    assert.ok(a[name].equals(b2[name]), `${name} differs between the page and the wasm CLI (2 threads)`);
  }
  const wasmEval = cliEval(['node', wasmCli], ['eval', '--json', '--model', wasmOut]);
  assert.equal(wasmEval.val_loss.toFixed(12), Number(pageVal.val_loss).toFixed(12));
  assert.equal(wasmEval.noisy_psnr.toFixed(12), Number(st.noisy_psnr).toFixed(12));
  console.log(`page = wasm CLI bit for bit: ${Object.keys(a).length} tensors, val_loss ${wasmEval.val_loss}`);
  t.step('wasm cli');

  // The native build (or, as tools/test.sh builds it, the sanitizer build): other kernels, same
  // numbers to rounding.
  const native = ['native', 'asan'].map((b) => path.join(repoRoot, 'build', b, 'dae')).find((f) => fs.existsSync(f));
  if (native) {
    const nativeOut = path.join(tmp, 'native.safetensors');
    execFileSync(native, ['train', ...flags, '--threads', '1', '--out', nativeOut], { stdio: 'inherit' });
    const ne = cliEval([native], ['eval', '--json', '--model', nativeOut]);
    const rel = Math.abs(ne.val_loss - wasmEval.val_loss) / wasmEval.val_loss;
    console.log(`native val_loss ${ne.val_loss} vs page ${pageVal.val_loss}: relative difference ${rel.toExponential(2)}`);
    assert.ok(rel < 1e-3, `native and page differ by ${rel}`);
    assert.ok(Math.abs(ne.val_psnr - wasmEval.val_psnr) < 0.01);
  } else {
    console.log('neither build/native/dae nor build/asan/dae is built: native comparison skipped');
  }
  t.step('native cli');
  t.report('e2e_cli_parity');
});
