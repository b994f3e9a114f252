// CommonJS: require() the package by its name, then run the shared checks (an ES module, loaded
// with import()). The mock's URL comes in MOCK_URL.
const { AccountGroups, ProblemError, createWebhookReceiver, MemoryWebhookStore } = require('upvest-account-groups');

import('./shared/check.js')
  .then(({ runChecks }) => runChecks({ AccountGroups, ProblemError, createWebhookReceiver, MemoryWebhookStore }, process.env.MOCK_URL))
  .then((summary) => console.log(JSON.stringify(summary)))
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
