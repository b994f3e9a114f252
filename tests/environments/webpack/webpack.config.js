// As little configuration as a user would write: an entry, and one output folder per mode
// (the runner puts index.html beside main.js and serves the folder).
import { fileURLToPath } from 'node:url';

export default (env, argv) => ({
  entry: './src/index.js',
  output: {
    path: fileURLToPath(new URL(`dist/${argv.mode}/`, import.meta.url)),
    filename: 'main.js',
    clean: true,
  },
  performance: { hints: false },
});
