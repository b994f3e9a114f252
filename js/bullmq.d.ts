// upvest-account-groups/bullmq: the webhook store over your BullMQ queue (Node; bullmq 5.20 or
// later, an optional peer dependency this entry never imports itself).
import type { QuarantinedWebhookDelivery, WebhookEventRecord, WebhookStore } from 'upvest-account-groups';

/** What the store uses of a BullMQ `Queue` (pass the `Queue` itself). */
export interface WebhookQueue {
  readonly name: string;
  add(name: string, data: any, opts?: any): Promise<unknown>;
  addBulk(jobs: Array<{ name: string; data: any; opts?: any }>): Promise<unknown>;
  close(): Promise<void>;
}

/** Options of `BullMQWebhookStore`. */
export interface BullMQWebhookStoreOptions {
  /** The queue events go to: one job per event, `jobId` the event id, `name` its type, `data`
   * the event as Upvest sent it. Its `defaultJobOptions` (attempts, backoff, removeOnComplete…)
   * apply. */
  queue: WebhookQueue;
  /** Where deliveries that verified but are not events go (job name `quarantined-delivery`,
   * `jobId` `sha256-…` of the body, data `{ body, encoding, reason, receivedAt }`); by default a
   * queue named `<queue.name>-quarantine` made with the queue's options on first use. */
  quarantineQueue?: WebhookQueue | undefined;
  /** How long an event id is remembered after its job is added, 1 to 366 days in ms; default
   * 7 days. Kept by BullMQ's deduplication key, which outlives the job when the queue removes
   * completed or failed jobs (`queue.clean`, `job.remove` and `obliterate` remove it too). */
  deduplicationWindowMs?: number | undefined;
}

/**
 * A webhook store over a BullMQ queue shared by every replica: an event is one job, however
 * often and to whichever replica Upvest delivers it within the window. Process the jobs with a
 * plain BullMQ `Worker`; BullMQ hands a job to a worker at least once, so keep handlers
 * idempotent on the event id (`job.id`).
 */
export declare class BullMQWebhookStore implements WebhookStore {
  constructor(options: BullMQWebhookStoreOptions);
  record(events: readonly WebhookEventRecord[]): Promise<{ recorded: number }>;
  quarantine(delivery: QuarantinedWebhookDelivery): Promise<void>;
  /** Closes the quarantine queue if the store made it (your own queues you close yourself). */
  close(): Promise<void>;
}
