/**
 * Lambda's execution environments for one function: an invocation runs in an environment not
 * busy with another, a new one is made (a cold start: `create` runs, the composition root of
 * the handler) when all are busy, and each is kept warm for the invocations after. What a
 * handler keeps at module scope (publish's ArticleCache, the site bucket's ETags) is so per
 * environment, as on AWS: concurrent batches do not share it, later batches in one do.
 */
export function executionEnvironments<E, R>(
  create: () => (event: E) => Promise<R>,
): (event: E) => Promise<R> {
  const idle: ((event: E) => Promise<R>)[] = [];
  return async (event) => {
    // The most recently used first, as Lambda prefers warm environments.
    const handler = idle.pop() ?? create();
    try {
      return await handler(event);
    } finally {
      idle.push(handler);
    }
  };
}
