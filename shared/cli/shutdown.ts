import { execFileSync } from 'node:child_process';
/**
 * Everything a command started, stopped in reverse order on every path out: success, error
 * and Ctrl-C.
 */
export class Resources {
  private readonly stops: (() => Promise<void>)[] = [];

  add(stop: () => Promise<void>): void {
    this.stops.push(stop);
  }

  async stopAll(): Promise<void> {
    for (let stop = this.stops.pop(); stop; stop = this.stops.pop()) {
      await stop().catch(() => {});
    }
  }
}

let stopping = false;

/**
 * Whether a stop signal arrived. A start-up that fails after Ctrl-C (a terminal sends SIGINT to
 * Java too) is not worth an error message: the user asked us to stop.
 */
export function stopRequested(): boolean {
  return stopping;
}

export interface SignalOptions {
  /** Resolves when start-up is over; stopping waits for it, so a half-started Java is stopped too. */
  started: () => Promise<unknown>;
  stop: () => Promise<void>;
  onSignal?: (signal: NodeJS.Signals) => void;
  /** Exit code once stopped (default 0: stopping is what was asked for). */
  exitCode?: number;
  /** After this long the process exits anyway; the embedded AWS's exit hook still kills Java. */
  timeoutMs?: number;
  /** Stop when the parent process goes, too (a server's: `feedpub dev`). */
  stopWhenOrphaned?: boolean;
}

/** How often a process checks that its parent is still there (see stopOnSignals). */
export const ORPHAN_CHECK_MS = 1000;

/**
 * SIGINT / SIGTERM / SIGHUP (a closed terminal) stop everything and exit; with
 * `stopWhenOrphaned`, so does the parent going away (`npm start` killed with SIGTERM exits
 * without passing it on, and would leave the whole pipeline, Java included, running with
 * nobody to stop it). Further signals are ignored
 * (a terminal's Ctrl-C reaches both `feedpub.js` and the node it re-executes, which then
 * forwards it again).
 */
export function stopOnSignals(options: SignalOptions): void {
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    options.onSignal?.(signal);
    setTimeout(() => process.exit(1), options.timeoutMs ?? 15_000).unref();
    void options
      .started()
      .catch(() => {})
      .then(options.stop)
      .finally(() => process.exit(options.exitCode ?? 0));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  process.on('SIGHUP', handler);
  if (options.stopWhenOrphaned) onOrphaned(() => handler('SIGHUP'));
}

/**
 * Calls `then` once a process this one was started under has gone: its parent, or one above
 * it (`npm start` runs `sh -c`, which may stay, with `feedpub.js` under it), up to the first
 * that is init or a subreaper's (pid 1). Checked every ORPHAN_CHECK_MS.
 */
export function onOrphaned(then: () => void): void {
  const ancestors = ancestorsOf(process.pid);
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent && ancestors.every(isAlive)) return;
    clearInterval(timer);
    then();
  }, ORPHAN_CHECK_MS);
  timer.unref();
}

/** The processes above `pid`, nearest first, up to 4 (none on a system without `ps`). */
function ancestorsOf(pid: number): number[] {
  const found: number[] = [];
  let current = pid;
  while (found.length < 4) {
    let parent: number;
    try {
      parent = Number(
        execFileSync('ps', ['-o', 'ppid=', '-p', String(current)], { encoding: 'utf8' }).trim(),
      );
    } catch {
      break;
    }
    if (!Number.isInteger(parent) || parent <= 1) break;
    found.push(parent);
    current = parent;
  }
  return found;
}

/** Whether process `pid` is running (one of another user's, which we may not signal, too). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
