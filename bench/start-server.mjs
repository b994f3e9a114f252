// Starts the benchmark's server (bench/server.mjs) in a child process on 127.0.0.1, with `env`
// added to this process's environment, for every bench script: resolves with its URL once it
// prints it (at most 30 s), and a `stop` that kills it by PID.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** @param {Record<string, string>} [env] */
export async function startServer(env = {}) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('server.mjs', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  try {
    const line = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('bench server did not start')), 30_000);
      createInterface({ input: child.stdout }).once('line', (l) => {
        clearTimeout(timer);
        resolve(l);
      });
    });
    return { url: line.replace('listening on ', ''), stop: () => child.kill() };
  } catch (error) {
    child.kill();
    throw error;
  }
}
