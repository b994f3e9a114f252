// The mock's wasm exports as js/mock uses them (mock/wasm/src/lib.rs): internal, not part of the
// package's public types.

export interface Exchange {
  readonly delayMs: number;
  free(): void;
}

export interface Answer {
  readonly status: number;
  /** `[name, value, …]` */
  readonly headers: string[];
  readonly body: Uint8Array<ArrayBuffer>;
  free(): void;
}

export interface MockCore {
  readonly maxBodyBytes: number;
  receive(method: string, path: string, query: string | undefined, headers: string[], body: Uint8Array, nowMs: number): Exchange;
  respond(exchange: Exchange, nowMs: number): Answer | undefined;
  requests(since: number | undefined): string;
  stats(): string;
  reset(nowMs: number): void;
  /** Throws a string naming the rule that is wrong. */
  setFaults(rules: string): number;
  tick(nowMs: number): void;
  takeDeliveries(): string[];
  signDelivery(path: string, query: string | undefined, body: string, nowMs: number): string[];
  verifyKeys(): string;
  rotateWebhookKey(): string;
  free(): void;
}

export interface MockModule {
  MockCore: new (flags: string[], nowMs: number) => MockCore;
}
