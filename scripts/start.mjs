// `npm start`: the admin page in www/ on the embedded mock, seeded with a few hundred groups.
// Prints the page's URL; Ctrl-C stops the mock it started.
import { execFileSync } from 'node:child_process';
import { startMock } from './with-mock.mjs';

const root = new URL('../', import.meta.url).pathname;
const preferredPort = process.env.PORT ?? '8787';
execFileSync('cargo', ['build', '--release', '-p', 'upvest-mock'], { cwd: root, stdio: 'inherit' });

const flags = ['--seed', '300', '--www', `${root}www`, '--pkg', `${root}pkg`];
let mock;
try {
  mock = await startMock(['--port', preferredPort, ...flags]);
} catch {
  console.error(`start: port ${preferredPort} is taken; using a free one`);
  mock = await startMock(flags);
}
console.log(`\nThe admin page: ${mock.url}/\n(upvest-mock, seeded with 300 account groups; Ctrl-C stops it)`);
const stop = () => {
  mock.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
mock.process.on('exit', (code) => {
  console.error(`start: upvest-mock exited (code ${code})`);
  process.exit(code ?? 1);
});
