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
 * that wait on one another ask only once they are ready, so no waiting holds a place. A task
 * that asks `later` gives way: a free place goes to it only when no other task is waiting.
 */
export function limiter(
  limit: number,
): <T>(task: () => Promise<T>, rank?: 'first' | 'later') => Promise<T> {
  let running = 0;
  const queued: (() => void)[] = [];
  const later: (() => void)[] = [];
  return async (task, rank = 'first') => {
    if (running < limit) running++;
    else await new Promise<void>((start) => (rank === 'later' ? later : queued).push(start));
    try {
      return await task();
    } finally {
      // The place passes to the next task waiting, or is given back.
      const next = queued.shift() ?? later.shift();
      if (next) next();
      else running--;
    }
  };
}
