import type { LocalQueue } from '../local/local-queue.ts';
import { deadLetterKeys } from './dead-letters.ts';
import { type KeptQueue, readQueue, writeQueue } from './dev-folders.ts';

/**
 * The ingest queue, kept in the data folder as SQS keeps one: a restart sends again what the
 * last run had not ingested (Ctrl-C in the middle of an import: the folder mirror will not
 * send those unchanged files again) and parks again what it had parked, for
 * `feedpub redrive --local` (their `failed` reports say the event is kept for a replay). The
 * parked ones are written whenever they change, the rest when dev stops. Prints each message
 * the queue gives up on; returns the function that stops watching and keeps the queue.
 */
export function keepQueue(
  dataDir: string,
  queue: LocalQueue,
  { print, warn }: { print: (text: string) => void; warn: (text: string) => void },
): () => Promise<void> {
  const { deadLetters } = queue;
  const kept = restoreQueue(dataDir, queue);
  if (kept.undelivered.length > 0)
    print(`feedpub: ingesting ${kept.undelivered.length} upload(s) the last run had not finished`);
  if (kept.deadLetters.length > 0)
    warn(
      `feedpub: ${kept.deadLetters.length} upload(s) the last run could not ingest are still parked in the dead-letter queue (${[...deadLetterKeys(kept.deadLetters.map((d) => d.body))].join(', ')}): \`feedpub redrive --local\` sends them again`,
    );
  let seen = deadLetters.length;
  let written = JSON.stringify(deadLetters);
  const save = (undelivered: KeptQueue['undelivered']) => {
    try {
      writeQueue(dataDir, { undelivered, deadLetters });
      written = JSON.stringify(deadLetters);
    } catch (error) {
      warn(
        `feedpub: cannot keep the ingest queue in ${dataDir}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  const watch = () => {
    const fresh = deadLetters.slice(seen);
    seen = deadLetters.length;
    for (const key of deadLetterKeys(fresh.map((d) => d.body)))
      warn(`feedpub: ingest kept failing for ${key}; it is parked in the dead-letter queue`);
    if (JSON.stringify(deadLetters) !== written) save(kept.undelivered);
  };
  // Until it stops, a crash re-sends what this run was sent from the last one (a duplicate is
  // ingested as one).
  const timer = setInterval(watch, 1000);
  return async () => {
    clearInterval(timer);
    queue.stop();
    watch();
    save(queue.undelivered());
  };
}

/**
 * Puts the queue a run kept in the data folder into `queue`: its messages waiting (with their
 * age) and its dead letters. Returns what it read.
 */
export function restoreQueue(dataDir: string, queue: LocalQueue): KeptQueue {
  const kept = readQueue(dataDir);
  queue.deadLetters.push(...kept.deadLetters);
  for (const { body, sentAt } of kept.undelivered) queue.send(body, { sentAt });
  return kept;
}

/** What `queue` holds, as the data folder keeps it (writeQueue). */
export function keptOf(queue: LocalQueue): KeptQueue {
  return { undelivered: queue.undelivered(), deadLetters: queue.deadLetters };
}
