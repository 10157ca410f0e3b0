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
}

/**
 * SIGINT / SIGTERM stop everything and exit. Further signals are ignored (a terminal's Ctrl-C
 * reaches both `feedpub.js` and the node it re-executes, which then forwards it again).
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
}
