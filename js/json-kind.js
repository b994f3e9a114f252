// @ts-check
// A value's kind in JSON's terms, numbered as `JsonKind` in src/core/json.rs, for the wasm
// core's view of the glue's plain copies (src/wasm/js_json.rs): one import instead of six of
// wasm-bindgen's type tests (undefined, null, string, array, object, function) and its boolean
// getter, each an import of its own whose name the wasm carries; `true` is 8, so that a boolean's
// value comes with its kind. Asked in the order Rust asked them, with the same answers. A
// wasm-bindgen snippet: it may import nothing.

/**
 * @param {unknown} value
 * @returns {number} 0 undefined, 1 null, 2 false, 3 number, 4 string, 5 array, 6 object,
 *   7 anything else (a function, a symbol, a bigint), 8 true
 */
export function jsonKind(value) {
  if (value === undefined) return 0;
  if (value === null) return 1;
  switch (typeof value) {
    case 'boolean':
      return value ? 8 : 2;
    case 'number':
      return 3;
    case 'string':
      return 4;
    case 'object':
      return Array.isArray(value) ? 5 : 6;
    default:
      return 7;
  }
}
