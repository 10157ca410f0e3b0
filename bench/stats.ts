/** Small statistics and timing helpers for the benchmarks. */

import { readFileSync } from 'node:fs';

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest-rank: p95 of 20 samples is the 19th, not an interpolation past the data.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

export const median = (values: readonly number[]) => percentile(values, 50);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Milliseconds since `start` (a performance.now() reading). */
export const since = (start: number) => performance.now() - start;

export const round = (value: number, digits = 2) => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

/** User + system CPU time in a `/proc/.../stat` file, in ms (ticks of 10 ms); undefined if unreadable. */
function statCpuMs(path: string): number | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    // After the command name: state is field 3; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * The CPU time (user + system) of this process's main thread so far, in ms, where Linux tells
 * it (`/proc`, in ticks of 10 ms); undefined elsewhere. Unlike the event loop's busy time, it
 * leaves out the time the thread waited for a core.
 */
export function mainThreadCpuMs(): number | undefined {
  return statCpuMs(`/proc/self/task/${process.pid}/stat`);
}

/** The CPU time of another process (all its threads) so far, in ms, where Linux tells it. */
export function processCpuMs(pid: number): number | undefined {
  return statCpuMs(`/proc/${pid}/stat`);
}
