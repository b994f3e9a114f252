// @ts-check
// The wasm core's reads of JavaScript values (src/wasm/js_json.rs), a value's kind and an own
// member, and its one write, each one import where wasm-bindgen's and js-sys's took several or
// a catching one (each import's name and hash is in the wasm, and a catching import's error
// handling too). A wasm-bindgen snippet: it may import nothing.

// A value's kind in JSON's terms, numbered as `JsonKind` in src/core/json.rs, for the wasm
// core's view of the glue's plain copies (src/wasm/js_json.rs): one import instead of six of
// wasm-bindgen's type tests (undefined, null, string, array, object, function) and its boolean
// getter, each an import of its own whose name the wasm carries; `true` is 8, so that a boolean's
// value comes with its kind. Asked in the order Rust asked them, with the same answers.

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

/**
 * An own member of an array or object, or undefined: `Object.hasOwn` then the read, in one
 * crossing (they were two imports, `hasOwn` and `Reflect.get`). Own members only: a webhook
 * body is the platform's `JSON.parse` output, whose objects inherit from `Object.prototype`
 * (which a dependency may have polluted). The values are plain data, so nothing here runs caller
 * code; were a read to throw all the same, it reads as absent, as `Reflect.get`'s failure did.
 * @param {object} object
 * @param {string | number} key
 * @returns {unknown}
 */
export function ownMember(object, key) {
  try {
    return Object.hasOwn(object, key) ? /** @type {any} */ (object)[key] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sets a member of an object the wasm made, as `Reflect.set` does; a failure (none happens on
 * a fresh object) is ignored, as the wasm ignored `Reflect.set`'s.
 * @param {object} object
 * @param {string} key
 * @param {unknown} value
 */
export function setMember(object, key, value) {
  try {
    Reflect.set(object, key, value);
  } catch {
    // Ignored, as before.
  }
}
