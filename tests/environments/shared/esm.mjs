// The ESM check script, run as it is by Node, Bun and Deno: imports the package by its name
// (named imports, as the README does) and prints the checks' summary as JSON. The mock's URL comes in MOCK_URL.
import { AccountGroups, createWebhookReceiver, MemoryWebhookStore, ProblemError } from 'upvest-account-groups';
import { runChecks } from './check.js';

console.log(JSON.stringify(await runChecks({ AccountGroups, ProblemError, createWebhookReceiver, MemoryWebhookStore }, process.env.MOCK_URL)));
