// Ports for servers the tests start on 127.0.0.1 (the environment suite's dev servers, Prism).

import { createServer } from 'node:net';

/** `count` free ports on 127.0.0.1, all different: each is held until every one is picked. */
export async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      servers.push(server);
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((server) => server.address().port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => (server.listening ? server.close(resolve) : resolve()))));
  }
}

/** One free port on 127.0.0.1. */
export async function freePort() {
  return (await freePorts(1))[0];
}
