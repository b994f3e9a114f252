// The checks on the server, in a route handler, on every request.
import { AccountGroups, createWebhookReceiver, MemoryWebhookStore, ProblemError } from 'upvest-account-groups';
import { handleCheck } from '../../../shared/handler.js';

export const dynamic = 'force-dynamic';

export function GET(request) {
  return handleCheck({ AccountGroups, ProblemError, createWebhookReceiver, MemoryWebhookStore }, request);
}
