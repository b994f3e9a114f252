// Turns the wasm page cursor into an async iterable for `for await`. Calls to next() are
// chained, so a caller that does not await one before the next still gets items in order.

/** @internal */
export function toAsyncIterable(cursor) {
  let previous = Promise.resolve();
  const iterator = {
    next() {
      const step = previous.then(() => cursor.next());
      previous = step.catch(() => {});
      return step;
    },
    // `break`, `return` or a throw inside `for await` lands here: no page is fetched after it.
    return(value) {
      cursor.finish();
      return Promise.resolve({ done: true, value });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
