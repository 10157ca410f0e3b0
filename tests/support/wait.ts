/**
 * Waiting in tests: for a condition, never for a duration. The one deadline, HANG_MS, only
 * turns a hang into a failure; nothing is sized to how fast a machine is. vitest.config.ts
 * uses it for every test and hook, so no test sets a timeout of its own.
 */

/** Long enough that only a hang reaches it, on the slowest, busiest machine. */
export const HANG_MS = 10 * 60_000;

const POLL_MS = 100;

/** Polls `check` until it returns a value (a throw counts as "not yet"); fails at HANG_MS. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + HANG_MS;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(`never saw ${what}${lastError ? ` (last error: ${lastError})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** A promise with its resolve function: one side of a test waits, the other releases it. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
