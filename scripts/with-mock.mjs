// Runs a command with a fresh upvest-mock on 127.0.0.1: starts the mock, waits (bounded) for its
// `listening on` line, passes its URL as UPVEST_MOCK_URL, and stops it by PID afterwards.
// Usage: node scripts/with-mock.mjs [mock flags…] -- command [args…]
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const STARTUP_LIMIT_MS = 15_000;

export const mockBinary = fileURLToPath(new URL('../target/release/upvest-mock', import.meta.url));

/**
 * Starts the mock; resolves with its URL and process once it listens. With `openFiles`, the mock
 * runs under `ulimit -n openFiles` (for tests of running out of file descriptors).
 */
export function startMock(flags = [], { openFiles } = {}) {
  const binary = mockBinary;
  const args = ['--port', '0', ...flags];
  const stdio = { stdio: ['ignore', 'pipe', 'inherit'] };
  const child =
    openFiles === undefined
      ? spawn(binary, args, stdio)
      : spawn('bash', ['-c', `ulimit -n ${Math.trunc(openFiles)} && exec "$0" "$@"`, binary, ...args], stdio);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`upvest-mock did not report its address within ${STARTUP_LIMIT_MS} ms`));
    }, STARTUP_LIMIT_MS);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${binary}: ${e.message} (run: cargo build --release -p upvest-mock)`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`upvest-mock exited with code ${code} before listening`));
    });
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (!match) {
        child.kill();
        reject(new Error(`unexpected first line from upvest-mock: ${line}`));
        return;
      }
      child.removeAllListeners('exit');
      child.stdout.resume();
      resolve({ url: match[1], process: child, stop: () => child.kill('SIGTERM') });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const split = args.indexOf('--');
  if (split < 0 || split === args.length - 1) {
    console.error('usage: node scripts/with-mock.mjs [mock flags…] -- command [args…]');
    process.exit(2);
  }
  const mock = await startMock(args.slice(0, split));
  const [command, ...rest] = args.slice(split + 1);
  const child = spawn(command, rest, { stdio: 'inherit', env: { ...process.env, UPVEST_MOCK_URL: mock.url } });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      child.kill(signal);
      mock.stop();
    });
  }
  child.on('exit', (code, signal) => {
    mock.stop();
    process.exit(code ?? (signal ? 1 : 0));
  });
}
