// The page and the command line run the same core: a training run in the page gives exactly
// the weights and validation numbers of `dae train` with the same settings run by node on the
// same wasm engine (build/wasm/dae.js) — bit for bit, since a run does not depend on how the
// work is sliced — and agrees with the native build (other GEMM kernels) to rounding.
//   node tests/e2e/test_cli_parity.mjs [--site build/wasm/site]

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runE2E, buildDir, repoRoot } from './harness.mjs';
import { assert, trainAndWait, timer } from './util.mjs';

// The float32 tensors of a safetensors file, by name (metadata ignored).
function tensors(bytes) {
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  const out = {};
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    out[name] = bytes.subarray(8 + n + t.data_offsets[0], 8 + n + t.data_offsets[1]);
  }
  return out;
}

function cliEval(cmd, cmdArgs) {
  return JSON.parse(execFileSync(cmd[0], [...cmd.slice(1), ...cmdArgs], { encoding: 'utf8' }).trim().split('\n').pop());
}

const t = timer();
const config = { dataset: 'mnist', arch: 'seed', noise: 'gaussian:0.5', epochs: 1, batch: 32, train: 480, val: 96, seed: 11 };
const flags = ['--dataset', 'mnist', '--arch', 'seed', '--noise', 'gaussian:0.5', '--epochs', '1', '--batch', '32',
               '--train', '480', '--val', '96', '--seed', '11', '--threads', '1', '--quiet'];
await runE2E('cli_parity', async (app, { tmp }) => {
  const page = app.page;
  const st = await trainAndWait(page, config);
  const pageModel = Buffer.from(await page.evaluate(() => Array.from(window.dae.downloadModel())));
  const pageVal = st.history[st.history.length - 1];
  t.step('page');

  // The same run on the same engine, through the CLI under node.
  const wasmCli = path.join(buildDir, 'dae.js');
  assert.ok(fs.existsSync(wasmCli), `${wasmCli} missing (cmake --build --preset wasm builds it)`);
  const wasmOut = path.join(tmp, 'wasm.safetensors');
  execFileSync('node', [wasmCli, 'train', ...flags, '--out', wasmOut], { stdio: 'inherit' });
  const a = tensors(pageModel), b = tensors(fs.readFileSync(wasmOut));
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
  for (const name of Object.keys(a)) assert.ok(a[name].equals(b[name]), `${name} differs between the page and the wasm CLI`);
  const wasmEval = cliEval(['node', wasmCli], ['eval', '--json', '--model', wasmOut]);
  assert.equal(wasmEval.val_loss.toFixed(12), Number(pageVal.val_loss).toFixed(12));
  assert.equal(wasmEval.noisy_psnr.toFixed(12), Number(st.noisy_psnr).toFixed(12));
  console.log(`page = wasm CLI bit for bit: ${Object.keys(a).length} tensors, val_loss ${wasmEval.val_loss}`);
  t.step('wasm cli');

  // The native build: other kernels, same numbers to rounding.
  const native = path.join(repoRoot, 'build', 'native', 'dae');
  if (fs.existsSync(native)) {
    const nativeOut = path.join(tmp, 'native.safetensors');
    execFileSync(native, ['train', ...flags, '--out', nativeOut], { stdio: 'inherit' });
    const ne = cliEval([native], ['eval', '--json', '--model', nativeOut]);
    const rel = Math.abs(ne.val_loss - wasmEval.val_loss) / wasmEval.val_loss;
    console.log(`native val_loss ${ne.val_loss} vs page ${pageVal.val_loss}: relative difference ${rel.toExponential(2)}`);
    assert.ok(rel < 1e-3, `native and page differ by ${rel}`);
    assert.ok(Math.abs(ne.val_psnr - wasmEval.val_psnr) < 0.01);
  } else {
    console.log('build/native/dae not built: native comparison skipped');
  }
  t.step('native cli');
  t.report('e2e_cli_parity');
});
