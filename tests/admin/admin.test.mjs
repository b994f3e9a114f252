// The admin page (www/) in headless Chromium, on the same kind of server `npm start` runs: the
// mock with 300 seeded groups, serving the page and the package's web build. The parts run in
// this order against one mock (harness.mjs starts it and the browser); screenshots go to
// test-output/, and measurements are printed as `# admin: …` lines.
import './harness.mjs';
import './package-resolution.mjs';
import './list-flows.mjs';
import './overview.mjs';
import './lookup.mjs';
import './url-state.mjs';
import './live-status.mjs';
import './export.mjs';
import './comfort.mjs';
import './csv.mjs';
// After package-resolution.mjs has registered its hook: units.mjs imports the page's modules.
await import('./units.mjs');
