import { AccountGroups, createWebhookReceiver, MemoryWebhookStore, ProblemError } from 'upvest-account-groups';
import { handleCheck } from '../shared/handler.js';

export default {
  fetch(request) {
    return handleCheck({ AccountGroups, ProblemError, createWebhookReceiver, MemoryWebhookStore }, request);
  },
};
