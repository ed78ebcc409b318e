// The hand-in from the page (issue 29): two runs trained, a note and the observations typed, the
// Runs panel's "Export notebook" pressed with the mouse: a download dae-study.zip holding
// study.ipynb (valid nbformat 4, every figure embedded as image/png), the models, images and
// figures beside it; run as it is (nbclient, when Jupyter's packages are installed), its PyTorch
// cells print each run's validation PSNR as the page reported it (within 0.05 dB).
//   node tests/e2e/test_handin.mjs [--site build/wasm/site]

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runE2E } from './harness.mjs';
import { assert, timer, trainAndWait, clickWidget, waitForText } from './util.mjs';

const t = timer();
await runE2E('handin', async (app, { tmp }) => {
  const page = app.page;
  const runs = [];
  for (const seed of [1, 2]) {
    runs.push(await trainAndWait(page, { dataset: 'mnist', arch: 'conv8 pool | up conv1:sigmoid', epochs: 2, batch: 64,
                                         train: 512, val: 100, seed }));
  }
  await page.evaluate(() => window.dae.setObservations('Seed 2 denoises a little better than seed 1.'));
  await clickWidget(page, 'tab_experiments');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), clickWidget(page, 'export_notebook')]);
  assert.equal(download.suggestedFilename(), 'dae-study.zip');
  const zip = path.join(tmp, 'dae-study.zip');
  await download.saveAs(zip);
  const said = await waitForText(page, 'export_message', /Exported dae-study\.zip/);
  console.log(`"${said.text.slice(0, 90)}…"`);
  t.step('export');

  execFileSync('/usr/bin/python3', ['-c', 'import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zip, tmp]);
  const dir = path.join(tmp, 'dae-study');
  const nb = JSON.parse(fs.readFileSync(path.join(dir, 'study.ipynb'), 'utf8'));
  assert.equal(nb.nbformat, 4);
  const images = nb.cells.flatMap((c) => c.outputs || []).filter((o) => o.data && o.data['image/png']).length;
  const text = nb.cells.map((c) => [].concat(c.source).join('')).join('\n');
  assert.ok(images >= 4, `${images} figures embedded`);
  assert.match(text, /Seed 2 denoises a little better/, 'the observations are not in the notebook');
  assert.equal(fs.readdirSync(path.join(dir, 'models')).length, 2);
  console.log(`study.ipynb: ${nb.cells.length} cells, ${images} figures embedded; models: ${fs.readdirSync(path.join(dir, 'models')).join(', ')}`);
  t.step('contents');

  const py = (code) => execFileSync('/usr/bin/python3', ['-c', code, dir], { encoding: 'utf8', timeout: 300000,
    env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' }, stdio: ['ignore', 'pipe', 'ignore'] });
  let jupyter = true;
  try { py('import nbformat, nbclient'); } catch { jupyter = false; }
  if (!jupyter) {
    console.log('nbformat/nbclient not installed: the notebook was not validated or run');
  } else {
    const out = py(`
import sys, os, nbformat, nbclient
d = sys.argv[1]
nb = nbformat.read(os.path.join(d, 'study.ipynb'), as_version=4)
nbformat.validate(nb)
nbclient.NotebookClient(nb, timeout=600, kernel_name='python3', resources={'metadata': {'path': d}}).execute()
for c in nb.cells:
    for o in c.get('outputs', []):
        if o.get('output_type') == 'stream': print(o['text'], end='')
`);
    const psnr = [...out.matchAll(/validation PSNR ([0-9.]+) dB/g)].map((m) => Number(m[1]));
    console.log(`run by nbclient: PyTorch says ${psnr.join(', ')} dB; the page said ${runs.map((r) => r.val_psnr.toFixed(2)).join(', ')} dB`);
    assert.equal(psnr.length, 2, out);
    runs.forEach((r, i) => assert.ok(Math.abs(psnr[i] - r.val_psnr) < 0.05, `run ${i + 1}: ${psnr[i]} vs ${r.val_psnr}`));
  }
  t.step('run');
  t.report('handin');
});
