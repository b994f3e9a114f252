// The wasm core's exports as the JavaScript glue uses them (src/wasm/*.rs): internal, not part of
// the package's public types. Every argument is plain data the glue copied; nothing here calls
// back into JavaScript but to create error objects (js/errors.js).

/** One call (src/wasm/call.rs). */
export interface CallCore {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly url: string;
  readonly path: string;
  readonly body: string | undefined;
  readonly attemptTimeoutMs: number;
  timeLimit(nowMs: number): number;
  readonly maxResponseBytes: number;
  /** The next attempt's headers: names and values in turn, each ended by a line feed. */
  plan(token: string | undefined, nowMs: number): string;
  /** The signer's headers, checked; throws a `SignerError`. */
  /** Whether the response's body will be used (else it is cancelled unread). */
  wantsBody(status: number, contentType: string | undefined): boolean;
  /** What the response means: a verdict of js/seam.js (generated from api/src/seam.rs). */
  judge(status: number, requestId: string | undefined, contentType: string | undefined, retryAfter: string | undefined, body: Uint8Array, nowMs: number, random: number): import('./seam.js').Verdict;
  judgeFailure(kind: string, message: string, status: number, requestId: string | undefined, nowMs: number, random: number): import('./seam.js').Verdict;
  readonly waitMs: number;
  readonly problemBody: boolean;
  readonly lastErrorName: string | undefined;
  error(problem: unknown, cause: unknown): Error;
  free(): void;
}

/** The pages of one iteration. */
export interface PagerCore {
  next(): CallCore | undefined;
  advance(offset: number, received: number, totalCount: number, seen: number, requestId: string | undefined): void;
  free(): void;
}

/** A client's checked configuration; each method checks a call's input and plans it. */
export interface ClientCore {
  readonly accessToken: string | undefined;
  /** `freshKey`: the idempotency key when the caller gives none (`randomUuid()`). */
  create(request: unknown, options: unknown, freshKey: string): CallCore;
  get(accountGroupId: unknown, options: unknown): CallCore;
  list(query: unknown, options: unknown): CallCore;
  listForUser(userId: unknown, query: unknown, options: unknown): CallCore;
  close(accountGroupId: unknown, closeOptions: unknown, options: unknown): CallCore;
  verifyKeys(options: unknown): CallCore;
  pager(userId: unknown, forUser: boolean, query: unknown, options: unknown): PagerCore;
  free(): void;
}

export interface CredentialsCore {
  call(): CallCore;
  free(): void;
}

export interface SignerCore {
  readonly algorithm: 'ed25519' | 'ecdsa-p521-sha512';
  prepare(method: unknown, url: unknown, headers: unknown[], body: string | undefined, sha512: Uint8Array | undefined, nowMs: number, nonce: string): { base: string; headers: Record<string, string> };
  signatureHeader(raw: Uint8Array): string;
  free(): void;
}

export interface Core {
  ClientCore: new (options: unknown) => ClientCore;
  CredentialsCore: new (options: unknown) => CredentialsCore;
  SignerCore: new (options: unknown) => SignerCore;
  /** The checks of a webhook delivery's signature but the cryptography (src/wasm/webhook_signature.rs),
   * all of them, or with `digestOnly` 1 the digest's alone: `components` is `name\nvalue\n…`
   * (`@method`, `@path`, `@query`, then the headers); `body` 0 not read, 1 not bytes, 2 digested
   * (`sha256`, base64). Answers `code\nmessage` for a refusal (`code` one digit, the place in
   * `WEBHOOK_VERIFICATION_CODES`), else an empty line, then `keyid` (the string item as written),
   * the signature (raw r ‖ s in base64) and the base, a line each (nothing after the digest alone). */
  webhookSignature(components: string, body: number, sha256: string, digestOnly: number, nowSeconds: number, clockSkewSeconds: number, maxValiditySeconds: number): string;
  checkProvidedToken(value: unknown, nowMs: number): { token: string; usableUntil: number };
  webhookOptions(options: unknown): { maxBodyBytes: number };
  webhookEvents(parsed: unknown): unknown[];
  deduplicatorSize(options: unknown): number;
}
