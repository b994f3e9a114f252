// @ts-check
// The wasm core's exports, handed over once by the package's entry module (which instantiates
// the wasm in the way its platform needs) before any caller can use the package. The JS modules
// read them from here, so none of them imports the wasm glue (which imports them).

/** @type {import('./wasm-core').Core} */
export let core = /** @type {any} */ (undefined);

/** @param {import('./wasm-core').Core} exports the wasm-bindgen glue's exports */
export function bindCore(exports) {
  core = exports;
}
