import { AccountGroups, createWebhookReceiver, MemoryWebhookStore, ProblemError } from 'upvest-account-groups';
import { showChecks } from './shared/page.js';

showChecks({ AccountGroups, ProblemError, createWebhookReceiver, MemoryWebhookStore });
