// A real Redis server for the tests (Debian's redis-server, which scripts/setup.sh installs): on
// a free loopback port, in a directory of its own, with the append-only file on, so that a
// SIGKILL and a restart lose nothing it acknowledged. Stopped by PID. (Not a test file.)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const READY_MS = 15_000;

/** A free port on 127.0.0.1 (the OS picks it; Redis takes it a moment later). */
export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts redis-server; `kill()` is a SIGKILL, `start()` brings it back on the same port and
 * files, `stop()` ends it and removes its directory. */
export async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'upvest-redis-'));
  const port = await freePort();
  let child;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--protected-mode', 'yes', '--loglevel', 'warning'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready`))));
    exited.catch(() => {});
    await Promise.race([waitForPort(port, READY_MS), exited]);
  };
  await start();
  const kill = async () => {
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    connection: { host: '127.0.0.1', port },
    get pid() {
      return child.pid;
    },
    kill,
    start,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once something answers PING with PONG on the port; rejects after `ms`. */
async function waitForPort(port, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const answered = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setTimeout(500);
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server did not answer on 127.0.0.1:${port} within ${ms} ms`);
}
