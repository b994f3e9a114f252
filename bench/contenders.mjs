// The three contenders, each doing the same work over the same loopback server: the floor
// (fetch + JSON.parse by hand), the peer (openapi-fetch over the contract's paths), and this
// package. Each offers: get, a 1000-group page, and iterating every group page by page.
import createClient from 'openapi-fetch';

export const GROUP_ID = '0000002a-0000-4000-8000-00000000002a';
const headers = {
  accept: 'application/json',
  authorization: 'Bearer bench-token',
  'upvest-client-id': '363f3305-7ab0-4e82-a158-f9d382ad08b6',
  'upvest-api-version': '1',
};

export function contenders(api, baseUrl) {
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
  };
  return [floor, peer, ours];
}
