// The contenders, each doing the same work over the same loopback server: the floor (fetch +
// JSON.parse by hand), the peer (openapi-fetch over the contract's paths), this package, and, in
// Node, the limit (node:http or node:https with a keep-alive agent + JSON.parse by hand: about
// the least any client on Node's HTTP stack can do). Each offers: get, a 1000-group page, and
// iterating every group page by page (this package also a page at a time: `iterateByPage`).
import createClient from 'openapi-fetch';

export const GROUP_ID = '0000002a-0000-4000-8000-00000000002a';
export const headers = {
  accept: 'application/json',
  authorization: 'Bearer bench-token',
  'upvest-client-id': '363f3305-7ab0-4e82-a158-f9d382ad08b6',
  'upvest-api-version': '1',
};

/** The contenders against `baseUrl`; with `httpModule` (node:http or node:https), the limit too. */
export function contenders(api, baseUrl, httpModule) {
  const floor = {
    name: 'fetch + JSON.parse (floor)',
    get: async () => (await fetch(`${baseUrl}/account_groups/${GROUP_ID}`, { headers })).json(),
    page: async () => (await fetch(`${baseUrl}/account_groups?offset=0&limit=1000`, { headers })).json(),
    async iterate(onItem, pageSize = 1000) {
      for (let offset = 0; ; ) {
        const page = await (await fetch(`${baseUrl}/account_groups?offset=${offset}&limit=${pageSize}`, { headers })).json();
        for (const group of page.data) onItem(group);
        offset += page.meta.count;
        if (page.meta.count === 0 || offset >= page.meta.total_count) return;
      }
    },
  };
  const peerClient = createClient({ baseUrl, headers });
  const peer = {
    name: 'openapi-fetch (peer)',
    get: async () => (await peerClient.GET('/account_groups/{account_group_id}', { params: { path: { account_group_id: GROUP_ID } } })).data,
    page: async () => (await peerClient.GET('/account_groups', { params: { query: { offset: 0, limit: 1000 } } })).data,
    async iterate(onItem, pageSize = 1000) {
      for (let offset = 0; ; ) {
        const { data: page } = await peerClient.GET('/account_groups', { params: { query: { offset, limit: pageSize } } });
        for (const group of page.data) onItem(group);
        offset += page.meta.count;
        if (page.meta.count === 0 || offset >= page.meta.total_count) return;
      }
    },
  };
  const client = new api.AccountGroups({ baseUrl, clientId: headers['upvest-client-id'], accessToken: 'bench-token', maxRetries: 0 });
  const ours = {
    name: 'upvest-account-groups',
    get: () => client.get(GROUP_ID),
    page: () => client.list({ offset: 0, limit: 1000 }),
    async iterate(onItem, pageSize = 1000) {
      for await (const group of client.iterate({ pageSize })) onItem(group);
    },
    async iterateByPage(onItem, pageSize = 1000) {
      for await (const page of client.iteratePages({ pageSize })) for (const group of page) onItem(group);
    },
  };
  return httpModule ? [floor, peer, ours, limit(httpModule, baseUrl)] : [floor, peer, ours];
}

/** node:http(s) + a keep-alive agent + JSON.parse: no time limit, no checks, no size bound. */
export function limit(httpModule, baseUrl) {
  const agent = new httpModule.Agent({ keepAlive: true, maxSockets: 128, maxFreeSockets: 64 });
  const getJson = (url) =>
    new Promise((resolve, reject) => {
      httpModule
        .get(url, { agent, headers }, (response) => {
          const chunks = [];
          response.on('data', (chunk) => chunks.push(chunk));
          response.on('end', () => {
            try {
              resolve(JSON.parse(chunks.length === 1 ? chunks[0].toString() : Buffer.concat(chunks).toString()));
            } catch (error) {
              reject(error);
            }
          });
          response.on('error', reject);
        })
        .on('error', reject);
    });
  return {
    name: 'node:http + JSON.parse (limit)',
    get: () => getJson(`${baseUrl}/account_groups/${GROUP_ID}`),
    page: () => getJson(`${baseUrl}/account_groups?offset=0&limit=1000`),
    async iterate(onItem, pageSize = 1000) {
      for (let offset = 0; ; ) {
        const page = await getJson(`${baseUrl}/account_groups?offset=${offset}&limit=${pageSize}`);
        for (const group of page.data) onItem(group);
        offset += page.meta.count;
        if (page.meta.count === 0 || offset >= page.meta.total_count) return;
      }
    },
  };
}
