// @ts-check
// The `user-agent` requests carry where a program may set it (Node, Bun, Deno, Workers): the
// application's own name when the client is given one, then the package and its version, then
// the runtime and its version, as Octokit and the AWS SDK write theirs. Browsers send their own
// (and refuse or ignore one set by a page), so none is set there.

import { InvalidInputError } from './errors.js';
import { inherent, own } from './members.js';

/** Set by the build (scripts/assemble-pkg.mjs) from the published version.
 * @type {string | undefined} */
const VERSION = typeof __UPVEST_VERSION__ === 'string' ? __UPVEST_VERSION__ : undefined;
const PACKAGE = `upvest-account-groups/${VERSION ?? 'dev'}`;
/** The longest application name taken: a header of reasonable size. */
const MAX_APPLICATION_LENGTH = 200;

/**
 * The runtime and its version, or `undefined` in a browser. Read once, when the package loads,
 * through own and class members only (a polluted Object.prototype could otherwise make a browser
 * look like Node).
 * @returns {string | undefined}
 */
function runtime() {
  const global = globalThis;
  const bun = inherent(own(global, 'Bun'), 'version');
  if (typeof bun === 'string') return `bun/${bun}`;
  const deno = own(inherent(own(global, 'Deno'), 'version'), 'deno');
  if (typeof deno === 'string') return `deno/${deno}`;
  if (inherent(own(global, 'navigator'), 'userAgent') === 'Cloudflare-Workers') return 'workerd';
  const node = own(own(own(global, 'process'), 'versions'), 'node');
  return typeof node === 'string' ? `node/${node}` : undefined;
}

const RUNTIME = runtime();

/**
 * The `user-agent` for a client, with `application` (the `userAgent` option, checked here) in
 * front; `undefined` where the platform sets its own.
 * @param {unknown} application
 * @returns {string | undefined}
 */
export function userAgentFor(application) {
  if (application !== undefined && (typeof application !== 'string' || !/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(application) || application.length > MAX_APPLICATION_LENGTH)) {
    const rule = `must be your application's name and version, such as "acme-backoffice/1.4.2": visible ASCII and spaces, at most ${MAX_APPLICATION_LENGTH} characters`;
    throw new InvalidInputError(`Invalid input: userAgent ${rule}`, { field: 'userAgent', code: typeof application === 'string' ? 'format' : 'type', rule });
  }
  if (RUNTIME === undefined) return undefined;
  return [application, PACKAGE, RUNTIME].filter(Boolean).join(' ');
}
