import { describe, expect, it } from 'vitest';
import { executionEnvironments } from '../../../shared/local/execution-environments.ts';

/** Environments that say which one ran each event; `release` lets a held invocation finish. */
function rig() {
  let made = 0;
  const held = new Map<string, () => void>();
  const invoke = executionEnvironments(() => {
    made += 1;
    const env = made;
    return async (event: string) => {
      if (event.startsWith('hold')) await new Promise<void>((done) => held.set(event, done));
      return env;
    };
  });
  return { invoke, made: () => made, release: (event: string) => held.get(event)?.() };
}

describe('executionEnvironments: Lambda containers for the local runtime', () => {
  it('runs invocations at once in environments of their own', async () => {
    const { invoke, made, release } = rig();
    const first = invoke('hold 1');
    const second = invoke('hold 2');
    await new Promise((resolve) => setImmediate(resolve));
    expect(made()).toBe(2);
    release('hold 1');
    release('hold 2');
    expect(new Set([await first, await second])).toEqual(new Set([1, 2]));
  });

  it('runs an invocation after another in the same, warm, environment', async () => {
    const { invoke, made } = rig();
    expect(await invoke('a')).toBe(1);
    expect(await invoke('b')).toBe(1);
    expect(await invoke('c')).toBe(1);
    expect(made()).toBe(1);
  });

  it('keeps an environment whose invocation failed', async () => {
    let made = 0;
    const invoke = executionEnvironments(() => {
      made += 1;
      return async (event: string) => {
        if (event === 'fail') throw new Error('handler failed');
        return made;
      };
    });
    await expect(invoke('fail')).rejects.toThrow('handler failed');
    expect(await invoke('ok')).toBe(1);
    expect(made).toBe(1);
  });
});
