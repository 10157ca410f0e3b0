import { describe, expect, it } from 'vitest';
import { limiter } from '../../../shared/concurrency/each-limited.ts';

/** A task that runs until told to finish. */
function held() {
  let finish = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { done, finish };
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('limiter', () => {
  it('runs at most its limit at once, starting tasks in the order they asked, and passes on failures', async () => {
    const gate = limiter(2);
    const started: number[] = [];
    const tasks = Array.from({ length: 5 }, held);
    const results = tasks.map((task, i) =>
      gate(async () => {
        started.push(i);
        await task.done;
        if (i === 1) throw new Error('task 1 failed');
        return i;
      }),
    );
    await turns(5);
    expect(started).toEqual([0, 1]);

    tasks[1]?.finish();
    await expect(results[1]).rejects.toThrow('task 1 failed');
    await turns(5);
    // A failed task gives its place back too.
    expect(started).toEqual([0, 1, 2]);

    tasks[0]?.finish();
    tasks[2]?.finish();
    await turns(5);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    tasks[3]?.finish();
    tasks[4]?.finish();
    expect(await Promise.all([results[0], results[2], results[3], results[4]])).toEqual([
      0, 2, 3, 4,
    ]);
    // Every place is free again: two more start at once.
    const more = [held(), held()];
    const again: number[] = [];
    const runs = more.map((task, i) =>
      gate(async () => {
        again.push(i);
        await task.done;
      }),
    );
    await turns(5);
    expect(again).toEqual([0, 1]);
    for (const task of more) task.finish();
    await Promise.all(runs);
  });

  it('gives a free place to a task asked `later` only when no other task is waiting', async () => {
    const gate = limiter(1);
    const started: string[] = [];
    const tasks = new Map(['a', 'b', 'c', 'd', 'e'].map((name) => [name, held()]));
    const ask = (name: string, rank?: 'later') =>
      gate(async () => {
        started.push(name);
        await tasks.get(name)?.done;
      }, rank);
    // Nobody waits: a `later` task takes a free place at once.
    const runs = [ask('a', 'later')];
    runs.push(ask('b', 'later'), ask('c'), ask('d'), ask('e', 'later'));
    await turns(5);
    expect(started).toEqual(['a']);
    for (const name of ['a', 'c', 'd', 'b', 'e']) {
      tasks.get(name)?.finish();
      await turns(5);
    }
    // c and d asked after b, and go first; b and e then in the order they asked.
    expect(started).toEqual(['a', 'c', 'd', 'b', 'e']);
    await Promise.all(runs);
  });

  it('starts the tasks waiting `later` greatest place first, ties in the order they asked', async () => {
    const gate = limiter(1, (a, b) => a.localeCompare(b));
    const started: string[] = [];
    const tasks = new Map(['hold', 'b', 'a', 'c', 'a2', 'first', ''].map((name) => [name, held()]));
    const ask = (name: string, rank?: 'later', place?: string) =>
      gate(
        async () => {
          started.push(name);
          await tasks.get(name)?.done;
        },
        rank,
        place,
      );
    const runs = [
      ask('hold'),
      ask('b', 'later', '2025-01-02#b'),
      ask('a', 'later', '2025-01-01#a'),
      ask('', 'later', ''),
      ask('c', 'later', '2025-01-03#c'),
      ask('a2', 'later', '2025-01-01#a'),
      ask('first'),
    ];
    await turns(5);
    for (const name of ['hold', 'first', 'c', 'b', 'a', 'a2', '']) {
      tasks.get(name)?.finish();
      await turns(5);
    }
    expect(started).toEqual(['hold', 'first', 'c', 'b', 'a', 'a2', '']);
    await Promise.all(runs);
  });
});
