'use client';
// The checks in the browser: a client component that imports the package statically, as a user
// would, and shows the outcome in #result once it has run.
import { useEffect, useState } from 'react';
import { AccountGroups, createWebhookReceiver, MemoryWebhookStore, ProblemError } from 'upvest-account-groups';
import { checkInPage } from '../shared/page.js';

// Once per page load: React's development mode runs an effect twice, and two runs at once would
// see each other's groups.
let checks;

export default function Checks() {
  const [result, setResult] = useState(null);
  useEffect(() => {
    checks ??= checkInPage({ AccountGroups, ProblemError, createWebhookReceiver, MemoryWebhookStore });
    checks.then(setResult);
  }, []);
  return (
    <pre id="result" data-status={result?.status}>
      {result ? result.text : 'running…'}
    </pre>
  );
}
