// @ts-check
// The entry for browsers and bundlers (pkg/web/index.js). The wasm is fetched from beside the
// module (the glue's `new URL(…, import.meta.url)`, which Vite, webpack 5 and Parcel turn into an
// emitted asset) and instantiated once, on first import, so callers need no init call.
import init, * as glue from '#wasm-glue';
import { bindCore } from '../core.js';

await init();
bindCore(glue);

export * from '../index.js';
