/** Runs `task` over `items`, at most `limit` at a time, in order of start; rejects on the first failure. */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * A gate that lets at most `limit` tasks run at once, started in the order they asked: tasks
 * that wait on one another ask only once they are ready, so no waiting holds a place.
 */
export function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queued: (() => void)[] = [];
  return async (task) => {
    if (running < limit) running++;
    else await new Promise<void>((start) => queued.push(start));
    try {
      return await task();
    } finally {
      // The place passes to the next task waiting, or is given back.
      const next = queued.shift();
      if (next) next();
      else running--;
    }
  };
}
