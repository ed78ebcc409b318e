// Developer smoke check (not registered): loads the page at a size, prints status and console,
// takes a screenshot.  node tests/e2e/smoke_dev.mjs [width height out.png [query]]
import { startApp } from './harness.mjs';
const [w, h, out, query] = [Number(process.argv[2] || 1280), Number(process.argv[3] || 800), process.argv[4] || '/tmp/shots/smoke.png', process.argv[5] || ''];
const app = await startApp({ site: 'build/wasm/site', width: w, height: h, query });
try {
  await app.page.evaluate(() => window.dae.frames(10));
  const st = await app.page.evaluate(() => window.dae.status());
  console.log(JSON.stringify({ threads: st.threads, isolated: st.isolated, threaded_build: st.threaded_build, model: st.model, layout: st.layout, fps: st.fps, idle: st.idle }));
  await app.screenshot(out);
  console.log(app.messages.slice(-20).join('\n'));
  console.log('errors:', app.errors);
} finally { await app.teardown(); }
