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
 * that asks `later` gives way: a free place goes to it only when no other task is waiting; among
 * those, to the greatest `place` by `order` first (ties, and every place without `order`, in the
 * order they asked).
 */
export function limiter(
  limit: number,
  order: (a: string, b: string) => number = () => 0,
): <T>(task: () => Promise<T>, rank?: 'first' | 'later', place?: string) => Promise<T> {
  let running = 0;
  const queued: (() => void)[] = [];
  /** Greatest place first. */
  const later: { start: () => void; place: string }[] = [];
  const wait = (rank: 'first' | 'later', place: string) =>
    new Promise<void>((start) => {
      if (rank === 'first') {
        queued.push(start);
        return;
      }
      // After every place greater or equal: binary search for the first one lower.
      let low = 0;
      let high = later.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (order((later[mid] as { place: string }).place, place) >= 0) low = mid + 1;
        else high = mid;
      }
      later.splice(low, 0, { start, place });
    });
  return async (task, rank = 'first', place = '') => {
    if (running < limit) running++;
    else await wait(rank, place);
    try {
      return await task();
    } finally {
      // The place passes to the next task waiting, or is given back.
      const next = queued.shift() ?? later.shift()?.start;
      if (next) next();
      else running--;
    }
  };
}
