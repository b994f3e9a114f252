// @ts-check
// The entry for Cloudflare Workers (pkg/web/workerd.js, the `workerd` condition). A Worker may
// not compile wasm from bytes or fetch it by URL at start-up; it imports the .wasm as a module
// (wrangler's default rule for `.wasm` imports) and instantiates it synchronously.
import module from './upvest_account_groups_bg.wasm';
import * as glue from '#wasm-glue';
import { bindCore } from '../core.js';

glue.initSync({ module });
bindCore(glue);

export * from '../index.js';
