// The server side (a Next.js route handler, a Cloudflare Worker's fetch handler): runs the shared
// checks against the mock named by the request's `?mock=` query and answers with JSON,
// { status: 'ok', summary } or { status: 'error', error } with a 500.
import { describeError, runChecks } from './check.js';

export async function handleCheck(api, request) {
  try {
    const mock = new URL(request.url).searchParams.get('mock');
    return Response.json({ status: 'ok', summary: await runChecks(api, mock) });
  } catch (error) {
    return Response.json({ status: 'error', error: describeError(error) }, { status: 500 });
  }
}
