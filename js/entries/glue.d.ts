// What the entry modules import from wasm-bindgen's output, which exists only in pkg/ after a
// build: scripts/assemble-pkg.mjs resolves these names to the files when it bundles the entries.
// `bindCore(glue)` in the entries type-checks these exports against js/wasm-core.d.ts's `Core`.

/** The client's wasm-bindgen glue (`--target web`): its exports are the core (js/wasm-core.d.ts). */
declare module '#wasm-glue' {
  import type { Core } from '../wasm-core';
  /** Fetches the wasm from beside the glue (by `import.meta.url`) and instantiates it. */
  export default function init(): Promise<unknown>;
  /** Instantiates the wasm from bytes or a compiled module, synchronously. */
  export function initSync(input: { module: BufferSource | WebAssembly.Module }): unknown;
  export const ClientCore: Core['ClientCore'];
  export const CredentialsCore: Core['CredentialsCore'];
  export const SignerCore: Core['SignerCore'];
  export const checkProvidedToken: Core['checkProvidedToken'];
  export const webhookOptions: Core['webhookOptions'];
  export const webhookEvents: Core['webhookEvents'];
  export const deduplicatorSize: Core['deduplicatorSize'];
  export const webhookSignature: Core['webhookSignature'];
}

/** The client's wasm, as bytes carried in the Node bundle. */
declare module '#wasm-bytes' {
  const bytes: Uint8Array<ArrayBuffer>;
  export = bytes;
}

/** The mock's wasm-bindgen glue (`--target web`). */
declare module '#mock-glue' {
  import type { MockModule } from '../mock/mock-core';
  export default function init(input: { module_or_path: BufferSource | URL }): Promise<unknown>;
  export const MockCore: MockModule['MockCore'];
}

/** A compiled wasm module, as Workers import it. */
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}

/** undici's connection pool and client, which the Node transport (js/node-dispatch.js) dispatches
 * on. Required by file: the package's main export would load all of undici (fetch, WebSocket,
 * caches), about three times as long. */
declare module 'undici/lib/dispatcher/pool.js' {
  const Pool: import('../node-dispatch.js').Undici['Pool'];
  export = Pool;
}
declare module 'undici/lib/dispatcher/client.js' {
  const Client: import('../node-dispatch.js').Undici['Client'];
  export = Client;
}
