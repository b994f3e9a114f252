// upvest-account-groups/mock: a mock Upvest API in the caller's own process, for tests. Its
// types need no DOM library: `Request`, `RequestInit`, `Response` and `URL` are Node's globals too.

/**
 * createMock's options: each is the `upvest-mock` binary's flag of the same meaning.
 */
export interface MockOptions {
  /**
   * Start with this many account groups over 12 users and 3 businesses, of every type and status
   * (default 0). A count, not a random seed: the groups' ids differ from one mock to the next.
   */
  seed?: number | undefined;
  /** How long a closed group stays CLOSING before it is CLOSED (default 5000). */
  closeDelayMs?: number | undefined;
  /** The secret `POST /auth/token` accepts (default `mock-client-secret`). */
  clientSecret?: string | undefined;
  /** `expires_in` of issued tokens, in seconds (default 3600). */
  tokenTtlSeconds?: number | undefined;
  /** Accept only tokens issued by `/auth/token`, unexpired, with the needed scope. */
  strictTokens?: boolean | undefined;
  /** Require Upvest v15 HTTP signatures by this public key (a PEM). */
  verifyKey?: string | undefined;
  /** Refuse (401) a request without `signature` and `signature-input` headers, without verifying them. */
  requireSignatureHeaders?: boolean | undefined;
  /** Sign webhook deliveries with this P-521 private key (a PKCS#8 PEM) instead of one generated at start. */
  webhookSigningKey?: string | undefined;
  /** Requests kept for `requests()`, oldest dropped first (default 10000; fewer when they pass 32 MiB together). */
  requestLogSize?: number | undefined;
  /** How long an idempotency key is replayed, in seconds (default 86400, Upvest's 24 h). */
  idempotencyTtlSeconds?: number | undefined;
  /** Idempotency keys kept, oldest dropped first (default 100000). */
  maxIdempotencyKeys?: number | undefined;
  /** Account groups held; a create beyond it is a 507 (default 1000000). */
  maxGroups?: number | undefined;
}

/** A request the mock received, as its log keeps it. */
export interface MockRequest {
  /** Its position in the log: pass it as `since` to get only later requests. */
  seq: number;
  method: string;
  path: string;
  /** The query string without `?` (empty when there was none). */
  query: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /**
   * The body as text (bytes that are not UTF-8 read as U+FFFD): the whole of it up to 4096
   * bytes, else its first 4096 bytes or a little fewer, so as not to cut a character
   * (`body_truncated` is then true).
   */
  body: string;
  /** The body's whole length in bytes. */
  body_bytes: number;
  /** Whether `body` holds only the body's beginning. */
  body_truncated: boolean;
}

/**
 * One fault rule: the next `times` requests matching `method` and `path` fail as it says. A
 * field left out or `undefined` is not given.
 */
export interface FaultRule {
  /** Any method when absent. */
  method?: string | undefined;
  /** A path, or a prefix ending in `*`. */
  path: string;
  /** How many matching requests it applies to, at least 1 (default 1). */
  times?: number | undefined;
  /** Wait this long before answering (at most about 24.8 days, a timer's limit: "forever"). */
  delay_ms?: number | undefined;
  /** Answer with this status and a problem body instead of handling the request. */
  status?: number | undefined;
  /** With `status` only: a `Retry-After` header, in seconds. */
  retry_after?: number | undefined;
  /** With `status`: the problem's `detail`. */
  detail?: string | undefined;
  /** Handle the request, then close the connection without answering (`fetch` rejects). */
  drop?: boolean | undefined;
  /** Handle the request, then answer 200 with the JSON body cut in half. */
  malformed?: boolean | undefined;
}

export interface MockStats {
  groups: number;
  idempotency_keys: number;
  requests_logged: number;
  /** Requests seen since the mock was made (resets do not restart it): the next request's `seq` is this plus one. */
  requests_seen: number;
}

/** A webhook delivery: a signed `POST` as the mock would send it to a receiver. */
export interface WebhookDelivery {
  method: 'POST';
  /** The target it is signed for. */
  url: string;
  /** `content-type`, `content-length`, `digest`, `signature-input` and `signature`. */
  headers: Record<string, string>;
  /** `{ "payload": [events] }`, the raw body the signature's digest covers. */
  body: string;
}

/**
 * Where `deliverWebhooks` sends: a URL, POSTed to with the global `fetch`; or a Fetch-API handler
 * called in this process with the delivery as a `Request` (a webhook receiver's `handle`, a route
 * handler), so no network is needed, in browsers and Workers too. A throw or rejection is a
 * failed attempt, as a network error would be.
 */
export type WebhookTarget = string | URL | ((request: Request) => Response | Promise<Response>);

/** deliverWebhooks' options. */
export interface WebhookDeliveryOptions {
  /**
   * At least one target. Each POST goes to the target after the previous POST's: deliveries go
   * round-robin, as through a load balancer in front of a receiver's replicas, and a retry goes
   * to the next target.
   */
  targets: readonly WebhookTarget[];
  /**
   * A delivery not answered with a 2xx within 10 s is retried after 1, 2, 3, 5, 8 … (at most
   * 600) times this many ms, without end (default 1000: Upvest's seconds; the binary's
   * `--webhook-retry-base-ms`).
   */
  retryBaseMs?: number | undefined;
  /** The URL a function target's requests carry, and are signed for (default `http://127.0.0.1/webhooks`). */
  handlerUrl?: string | URL | undefined;
}

/** The running `deliverWebhooks` loop. */
export interface WebhookDeliveryLoop {
  /** Deliveries answered with a 2xx so far. */
  readonly delivered: number;
  /** Attempts that failed so far: a non-2xx answer, a throw, a network error, 10 s without an answer (not one `stop()` cut short). */
  readonly failedAttempts: number;
  /**
   * Ends the loop: its wait or its attempt under way is cut short (a URL target's request is
   * aborted; a function target's request's `signal` aborts), and a delivery not yet answered
   * with a 2xx stays with the mock, first in line for the next loop or `webhookDeliveries()`.
   * Resolves once the loop has ended; calling it again does nothing more.
   */
  stop(): Promise<void>;
}

/** A key the mock signs deliveries with, as `GET /auth/verify_keys` lists it (a P-521 JWK). */
export interface MockVerifyKey {
  kid: string;
  kty: string;
  crv: string;
  x: string;
  y: string;
  alg: string;
  use: string;
}

export interface MockServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

export interface Mock {
  /** A base URL for the client; with `mock.fetch`, any URL reaches the mock. */
  readonly url: string;
  /** Answers as the mock server would, in this process: give it to the client as its `fetch` option. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /**
   * Serves this mock (the same state) on 127.0.0.1 over node:http; `close()` also ends the
   * requests it holds (a delay fault's). Node only.
   */
  listen(options?: { port?: number | undefined }): Promise<MockServer>;
  /**
   * The logged requests, oldest first; with `since`, only those after that `seq`. The log keeps
   * the last `requestLogSize` requests, fewer when they pass 32 MiB together (a body is kept up
   * to its first 4096 bytes).
   */
  requests(options?: { since?: number | undefined }): MockRequest[];
  stats(): MockStats;
  /**
   * Back to the state at start: the seeded groups only; no log, no faults, no idempotency keys
   * (a create with a key used before is a new one), no issued tokens, no deliveries not yet taken
   * (and `webhookDeliveries` signs the next one for its first target again).
   */
  reset(): void;
  /** Replaces the fault rules (an empty list clears them); returns how many there are. Throws a TypeError naming a wrong rule. */
  faults(rules: FaultRule[]): number;
  /**
   * The webhook deliveries the mock's changes made since the last call (the last 100 at
   * most), each signed now for `target` (default `http://127.0.0.1/webhooks`): pass one to the
   * package's `parseWebhookEvents(body, { verify, method, url, headers })`, or `fetch(url,
   * delivery)` it to a receiver. Given several targets, the deliveries are signed for them in
   * turn, round-robin, carrying on from the previous call's turn. Signing takes a few
   * milliseconds each.
   */
  webhookDeliveries(target?: string | URL | readonly (string | URL)[]): WebhookDelivery[];
  /**
   * Sends the mock's webhook deliveries to `targets` as Upvest does, from now until `stop()`:
   * one delivery at a time, round-robin across the targets, each attempt signed afresh for its
   * target; a failed attempt is retried at the next target after 1, 2, 3, 5, 8 … × `retryBaseMs`,
   * and every later delivery waits behind it. It takes the deliveries as they are made (then
   * `webhookDeliveries()` gets none). One loop per mock at a time: a second call throws until the
   * first is stopped. Throws a TypeError or RangeError naming a wrong option.
   */
  deliverWebhooks(options: WebhookDeliveryOptions): WebhookDeliveryLoop;
  /** The public keys deliveries are signed with (what `GET /auth/verify_keys` gives). */
  verifyKeys(): { keys: MockVerifyKey[] };
  /**
   * Signs later deliveries with a new key; returns its `kid`. A verifier that has already loaded
   * the keys reloads them for an unknown `kid` at most once a minute: verify with a new one.
   */
  rotateWebhookKey(): string;
}

/** A mock Upvest API in this process. Rejects with a TypeError or RangeError naming a wrong option. */
export function createMock(options?: MockOptions): Promise<Mock>;
