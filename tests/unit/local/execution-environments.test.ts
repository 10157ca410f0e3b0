import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  executionEnvironments,
  type LambdaFunction,
  LambdaTimeoutError,
} from '../../../shared/local/execution-environments.ts';

const FN: LambdaFunction = { name: 'feedpub-test', timeoutSeconds: 30, memoryMb: 1024 };

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
  }, FN);
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
    }, FN);
    await expect(invoke('fail')).rejects.toThrow('handler failed');
    expect(await invoke('ok')).toBe(1);
    expect(made).toBe(1);
  });

  describe("with Lambda's context and timeout", () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('gives each invocation a context whose remaining time counts down from the timeout', async () => {
      vi.useFakeTimers();
      const seen: { remaining: number[]; context: Context }[] = [];
      const invoke = executionEnvironments(
        () => async (_event: string, context: Context) => {
          const remaining = [context.getRemainingTimeInMillis()];
          await vi.advanceTimersByTimeAsync(12_000);
          remaining.push(context.getRemainingTimeInMillis());
          seen.push({ remaining, context });
        },
        FN,
      );
      await invoke('a');
      await invoke('b');
      expect(seen.map((s) => s.remaining)).toEqual([
        [30_000, 18_000],
        [30_000, 18_000],
      ]);
      const [first, second] = seen.map((s) => s.context);
      expect(first).toMatchObject({
        functionName: 'feedpub-test',
        memoryLimitInMB: '1024',
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:feedpub-test',
      });
      expect(first?.awsRequestId).not.toBe(second?.awsRequestId);
    });

    it('ends an invocation at the timeout, and starts the next one in a new environment', async () => {
      vi.useFakeTimers();
      let made = 0;
      const timeouts: LambdaTimeoutError[] = [];
      let finishLate = () => {};
      const invoke = executionEnvironments(
        () => {
          made += 1;
          const env = made;
          return async (event: string) => {
            if (event === 'hang') await new Promise<void>((done) => (finishLate = done));
            return env;
          };
        },
        FN,
        { timeoutMs: 5_000, onTimeout: (error) => timeouts.push(error) },
      );
      const hung = invoke('hang');
      const outcome = expect(hung).rejects.toThrow(
        'feedpub-test: Task timed out after 5.00 seconds',
      );
      await vi.advanceTimersByTimeAsync(4_999);
      expect(timeouts).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      await outcome;
      await expect(hung).rejects.toBeInstanceOf(LambdaTimeoutError);
      expect(timeouts.map((t) => t.functionName)).toEqual(['feedpub-test']);
      // The timed-out environment is gone: a cold start, not environment 1 again.
      expect(await invoke('next')).toBe(2);
      expect(await invoke('again')).toBe(2);
      // The timed-out code finishing later changes nothing.
      finishLate();
      expect(await invoke('later')).toBe(2);
      expect(made).toBe(2);
    });

    it('ends an invocation later than its timeout only where told (endsAfterTimeouts), its context still counting from the timeout', async () => {
      vi.useFakeTimers();
      const remaining: number[] = [];
      let done = () => {};
      const invoke = executionEnvironments(
        () => async (_event: string, context: Context) => {
          remaining.push(context.getRemainingTimeInMillis());
          await new Promise<void>((resolve) => (done = resolve));
          remaining.push(context.getRemainingTimeInMillis());
          return 'finished';
        },
        FN,
        { endsAfterTimeouts: 3 },
      );
      const running = invoke('slow');
      await vi.advanceTimersByTimeAsync(45_000);
      done();
      expect(await running).toBe('finished');
      // Past its 30 s, the context says none is left, as Lambda's would.
      expect(remaining).toEqual([30_000, 0]);
      const hung = invoke('hang');
      const outcome = expect(hung).rejects.toThrow('Task timed out after 90.00 seconds');
      await vi.advanceTimersByTimeAsync(90_000);
      await outcome;
    });
  });
});
