// The package as the suites that run on every transport see it (reliability, hostile servers,
// the README's examples): with UPVEST_TRANSPORT=fetch, every client and token provider that
// names no fetch or agent of its own is given `fetch: globalThis.fetch` (Node's fetch); with
// UPVEST_TRANSPORT=node-http, an `agent` (a keep-alive http.Agent or https.Agent, by its
// baseUrl or tokenUrl), which sends over node:http. Unset, the package is as built (undici's dispatcher).
// tests/node/other-transports.test.mjs runs those suites both ways. Not a test file.
import http from 'node:http';
import https from 'node:https';
import * as built from '../../pkg/node/index.mjs';

export * from '../../pkg/node/index.mjs';

/** Which transport the suites run over: 'undici' (the package as built), 'fetch' or 'node-http'. */
export const transport = process.env.UPVEST_TRANSPORT === 'fetch' || process.env.UPVEST_TRANSPORT === 'node-http' ? process.env.UPVEST_TRANSPORT : 'undici';

const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
// The suites' processes end when their tests do; idle kept-alive sockets must not hold them.
for (const agent of Object.values(agents)) agent.on('free', (socket) => socket.unref());

/** The options with this run's transport, unless they name a fetch or an agent (or are not a plain object). */
const withTransport = (options) => {
  if (transport === 'undici' || typeof options !== 'object' || options === null || Object.getPrototypeOf(options) !== Object.prototype) return options;
  if (Object.hasOwn(options, 'fetch') || Object.hasOwn(options, 'agent')) return options;
  if (transport === 'fetch') return { ...options, fetch: globalThis.fetch };
  const url = options.baseUrl ?? options.tokenUrl;
  const protocol = typeof url === 'string' && url.startsWith('http:') ? 'http:' : 'https:';
  return { ...options, agent: agents[protocol] };
};

export class AccountGroups extends built.AccountGroups {
  constructor(options) {
    super(withTransport(options));
  }
}

export const clientCredentials = (options) => built.clientCredentials(withTransport(options));

/** The specifier of the package for the suites: the build, or the build over another transport. */
export const packageUrl = new URL(transport === 'undici' ? '../../pkg/node/index.mjs' : './transport-package.mjs', import.meta.url).href;
