// Browser end-to-end harness: serves the built site with tools/serve.py on a free port, drives
// Debian's headless Chromium (WebGL2 through ANGLE + SwiftShader) with npm playwright-core,
// and collects console errors and uncaught page errors.
//
//   import { runE2E } from './harness.mjs';
//   await runE2E('x', async (app, { tmp }) => {       // app: started, window.dae.ready
//     await app.page.mouse.click(100, 60);             // playwright Page
//     await app.screenshot('build/wasm/screenshot-x.png');
//   });                                               // then: no console errors, teardown
//
// (startApp / app.assertNoErrors / app.teardown are the pieces runE2E is made of.)
//
// Environment: DAE_CHROMIUM (default /usr/bin/chromium), DAE_E2E_HEADED=1 (show the window),
// DAE_E2E_VERBOSE=1 (echo the page's console).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const defaultSite = path.join(repoRoot, 'build', 'wasm', 'site');
export const buildDir = process.env.DAE_BUILD_DIR || path.join(repoRoot, 'build', 'wasm');

/** Command-line options shared by the tests: --site DIR, --timeout MS. */
export function parseArgs(argv = process.argv.slice(2)) {
  const out = { site: process.env.DAE_SITE_DIR || defaultSite, timeout: 90000 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--site') out.site = path.resolve(argv[++i]);
    else if (argv[i] === '--timeout') out.timeout = Number(argv[++i]);
  }
  return out;
}

/**
 * Starts a web server for `site` on a free port; resolves to { url, proc, stop() }.
 * kind 'serve.py': tools/serve.py (COOP/COEP, CSP, gzip); 'serve.py --no-csp': the same without the
 * CSP (bench/tfjs.mjs: TF.js's threaded wasm loads its worker from a blob:); 'plain': `python3 -m http.server`,
 * a static host that sends none of those headers.
 */
export function startServer(site, kind = 'serve.py') {
  return new Promise((resolve, reject) => {
    const cmd = kind === 'plain'
      ? ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', site]
      : [path.join(repoRoot, 'tools', 'serve.py'), '--port', '0', '--dir', site, '--quiet',
         ...(kind === 'serve.py --no-csp' ? ['--no-csp'] : [])];
    const proc = spawn('python3', cmd, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    const timer = setTimeout(() => {
      proc.kill();
      reject(new Error(`${kind} server did not start in 15 s\n${out}${err}`));
    }, 15000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^\s]+)/) ||
                out.match(/Serving HTTP on \S+ port \d+ \((http:\/\/[^\s)]+)\)/);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1], proc,
          stop: () => new Promise((r) => {
            if (proc.exitCode !== null) return r();
            proc.once('exit', () => r());
            proc.kill('SIGTERM');
          }),
        });
      }
    });
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} server exited with ${code}\n${out}${err}`));
    });
  });
}

export const chromiumArgs = [
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--use-angle=swiftshader',       // WebGL2 on the CPU; --use-gl=swiftshader breaks SDL's context
  '--enable-unsafe-swiftshader',
];

/**
 * Serves `site`, opens it in headless Chromium at width×height and waits until
 * window.dae.ready (or a page error, or `timeout` ms). Returns the app handle.
 * `beforeLoad(page)` runs before the page is opened (network watching, throttling); `until`:
 * 'ready' (everything the page loads at start is in) or 'usable' (the first screen works: the
 * pretrained model is in, a first visit's MNIST images may still be arriving).
 */
export async function startApp({ site = defaultSite, width = 1280, height = 800, timeout = 90000,
                                  query = '', server: serverKind = 'serve.py', serviceWorkers = 'allow',
                                  deviceScaleFactor = 1, isMobile = false, hasTouch = false,
                                  permissions = [], beforeLoad = null, until = 'ready' } = {}) {
  if (!fs.existsSync(path.join(site, 'index.html'))) {
    throw new Error(`${site}/index.html not found: build the wasm preset first`);
  }
  const server = await startServer(site, serverKind);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dae-e2e-chromium-'));
  const verbose = !!process.env.DAE_E2E_VERBOSE;
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: process.env.DAE_CHROMIUM || '/usr/bin/chromium',
      headless: !process.env.DAE_E2E_HEADED,
      chromiumSandbox: false,
      args: chromiumArgs,
      viewport: { width, height },
      deviceScaleFactor, isMobile, hasTouch, permissions,
      serviceWorkers,   // 'block': as a browser with service workers disabled
      timeout: 60000,
    });
  } catch (e) {
    await server.stop();
    fs.rmSync(userDataDir, { recursive: true, force: true });
    throw e;
  }
  const page = context.pages()[0] || await context.newPage();
  const errors = [];      // console.error messages and uncaught exceptions
  const messages = [];    // every console message, "type: text"
  page.on('console', (msg) => {
    const line = `${msg.type()}: ${msg.text()}`;
    messages.push(line);
    if (verbose) console.log(`[page] ${line}`);
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => {
    errors.push(`pageerror: ${err && err.stack ? err.stack : err}`);
    if (verbose) console.log(`[page] pageerror: ${err}`);
  });
  page.on('crash', () => errors.push('page crashed'));
  page.on('response', (r) => {
    if (r.status() >= 400) messages.push(`http: ${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => messages.push(`http: failed ${r.url()} ${r.failure()?.errorText}`));

  const app = {
    page, context, server, errors, messages, url: server.url + query, userDataDir,
    /** Saves a PNG of the page (the canvas and any overlay) to `file` (folders are made). */
    async screenshot(file) {
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      await page.screenshot({ path: file });
      return file;
    },
    /**
     * Colour statistics of a PNG (default: a fresh screenshot), decoded in the page:
     * { width, height, distinctColors, dominantFraction, mean } (dominantFraction: share of the
     * most frequent colour, ~1 for a blank canvas; mean: the mean gray level, 0–255).
     */
    async imageStats(png) {
      const buf = png || await page.screenshot();
      return page.evaluate(async (b64) => {
        const img = new Image();
        img.src = 'data:image/png;base64,' + b64;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width; c.height = img.height;
        const g = c.getContext('2d');
        g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height).data;
        const counts = new Map();
        for (let i = 0; i < d.length; i += 4) {
          const key = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
          counts.set(key, (counts.get(key) || 0) + 1);
        }
        let top = 0, sum = 0;
        for (const n of counts.values()) top = Math.max(top, n);
        for (let i = 0; i < d.length; i += 4) sum += (d[i] + d[i + 1] + d[i + 2]) / 3;
        return { width: c.width, height: c.height, distinctColors: counts.size,
                 dominantFraction: top / (c.width * c.height), mean: sum / (c.width * c.height) };
      }, buf.toString('base64'));
    },
    /** Throws if any console error or page error was seen. */
    assertNoErrors() {
      if (errors.length) {
        const http = messages.filter((m) => m.startsWith('http: '));
        throw new Error(`page reported errors:\n  ${errors.concat(http).join('\n  ')}`);
      }
    },
    /** Evaluates `window.dae` (the app's test hooks). */
    dae() { return page.evaluate(() => window.dae ? JSON.parse(JSON.stringify(window.dae)) : null); },
    async teardown() {
      try { await context.close(); } catch { /* already gone */ }
      await server.stop();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };

  try {
    if (beforeLoad) await beforeLoad(page);
    const t0 = Date.now();
    await page.goto(app.url, { waitUntil: 'load', timeout });
    // Ready, or fail early on an error (the shell's error box or a page error).
    await page.waitForFunction((flag) => {
      if (window.dae && window.dae[flag]) return true;
      const box = document.getElementById('error');
      if (box && !box.classList.contains('hidden')) return true;
      return false;
    }, until, { timeout: Math.max(1000, timeout - (Date.now() - t0)), polling: 100 });
    const shellError = await page.evaluate(() => {
      const box = document.getElementById('error');
      return box && !box.classList.contains('hidden') ? box.textContent.trim() : null;
    });
    if (shellError) throw new Error(`the page shows an error: ${shellError}`);
    app.readyMs = Date.now() - t0;
  } catch (e) {
    const detail = errors.length ? `\npage errors:\n  ${errors.join('\n  ')}` : '';
    const shot = path.join(buildDir, 'screenshot-failure.png');
    try { await app.screenshot(shot); } catch { /* ignore */ }
    await app.teardown();
    throw new Error(`${e.message}${detail}\n(screenshot: ${shot})`);
  }
  return app;
}

/**
 * Runs one end-to-end test as a script: parses --site / --timeout, makes a scratch folder
 * `tmp`, starts the app and awaits `body(app, { tmp })`, then checks that the page reported
 * no errors and prints "e2e_<name>: passed". On any failure it prints the error and the page's
 * errors, saves <build>/screenshot-failure-<name>.png, calls `onFailure(app)` (extra
 * diagnostics; its own errors are ignored) and sets a failing exit code. The app and `tmp` are
 * always cleaned up. `options` go to startApp (width, height, deviceScaleFactor, isMobile,
 * hasTouch, permissions, query).
 */
export async function runE2E(name, body, { onFailure, options = {} } = {}) {
  const args = parseArgs();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `dae-e2e-${name}-`));
  let app;
  try {
    app = await startApp({ site: args.site, timeout: args.timeout, ...options });
    await body(app, { tmp });
    app.assertNoErrors();
    console.log(`e2e_${name}: passed`);
  } catch (e) {
    console.error(`e2e ${name} FAILED: ${e.stack || e.message}`);
    if (app) {
      await app.screenshot(path.join(buildDir, `screenshot-failure-${name}.png`)).catch(() => {});
      if (onFailure) await Promise.resolve().then(() => onFailure(app)).catch(() => {});
      if (app.errors.length) console.error(`page errors:\n  ${app.errors.join('\n  ')}`);
    }
    process.exitCode = 1;
  } finally {
    if (app) await app.teardown();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
