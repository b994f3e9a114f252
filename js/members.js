// @ts-check
// Reading members without a prototype's help: a dependency with a deep-merge bug can add any
// name to Object.prototype, so the package reads caller input, options, header sets, parsed JSON
// and its own records only through these. No imports, so every module can use them.

/**
 * A member `object` has itself, or `undefined`: what it would inherit (from an
 * `Object.prototype` a dependency polluted, say) is never read. The one way the package reads
 * caller input, options, header sets and parsed JSON. Getters and Proxy traps run; what they
 * throw propagates.
 * @param {unknown} object
 * @param {string | number} key
 * @returns {unknown}
 */
export function own(object, key) {
  if ((typeof object !== 'object' || object === null) && typeof object !== 'function') return undefined;
  return Object.hasOwn(/** @type {object} */ (object), key) ? /** @type {any} */ (object)[key] : undefined;
}

/**
 * A member `object` has from itself or its class (a `Headers`' `get`, a `KeyObject`'s `type`),
 * or `undefined` when it would come from `Object.prototype`: so a name a dependency added there
 * never makes a plain object look like something else.
 * @param {unknown} object
 * @param {string} name
 * @returns {unknown}
 */
export function inherent(object, name) {
  for (let at = object; (typeof at === 'object' && at !== null) || typeof at === 'function'; at = Object.getPrototypeOf(at)) {
    if (at === Object.prototype) return undefined;
    if (Object.hasOwn(/** @type {object} */ (at), name)) return /** @type {any} */ (object)[name];
  }
  return undefined;
}

/**
 * A method `object` has from itself or its class (see `inherent`), or `undefined`.
 * @param {unknown} object
 * @param {string} name
 * @returns {Function | undefined}
 */
export function method(object, name) {
  const found = inherent(object, name);
  return typeof found === 'function' ? found : undefined;
}

/**
 * An object without a prototype holding `members`: what the package hands to the platform or to
 * caller code (fetch's `init`, an event's fields), so nothing inherited is read from it.
 * @template {object} T
 * @param {T} members
 * @returns {T}
 */
export function bare(members) {
  return Object.assign(Object.create(null), members);
}
