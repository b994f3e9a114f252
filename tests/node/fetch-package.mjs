// The package as the suites that run on both transports see it with UPVEST_TRANSPORT=fetch
// (reliability, hostile servers, the README's examples): every client and token provider that
// names no fetch of its own is given `fetch: globalThis.fetch`, so that the same cases run over
// Node's fetch (undici) instead of node:http. tests/node/fetch-transport.test.mjs runs those
// suites that way. Not a test file.
import * as built from '../../pkg/node/index.mjs';

export * from '../../pkg/node/index.mjs';

/** The options with the global fetch, unless they name a fetch (or are not a plain object). */
const withFetch = (options) =>
  typeof options === 'object' && options !== null && Object.getPrototypeOf(options) === Object.prototype && !Object.hasOwn(options, 'fetch') ? { ...options, fetch: globalThis.fetch } : options;

export class AccountGroups extends built.AccountGroups {
  constructor(options) {
    super(withFetch(options));
  }
}

export const clientCredentials = (options) => built.clientCredentials(withFetch(options));

/** Which transport the suites run over: 'node' (the package as built) or 'fetch'. */
export const transport = process.env.UPVEST_TRANSPORT === 'fetch' ? 'fetch' : 'node';

/** The specifier of the package for the suites: the build, or the build over fetch. */
export const packageUrl = new URL(transport === 'fetch' ? './fetch-package.mjs' : '../../pkg/node/index.mjs', import.meta.url).href;
