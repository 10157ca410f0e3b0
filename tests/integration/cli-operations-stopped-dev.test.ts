import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_PID_FILE, QUEUE_FILE, readQueue, writeQueue } from '../../shared/cli/dev-folders.ts';
import { withOperations } from '../../shared/cli/ops.ts';

const event = (key: string) =>
  JSON.stringify({
    Records: [
      { eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'inbox' }, object: { key } } },
    ],
  });

/**
 * The operator commands with `--local` on the data folder of a stopped `feedpub dev`: the ingest
 * queue it kept there (keepQueue) is what status shows and what redrive acts on, so the dead
 * letters its last run parked reach its next start (its warning says `feedpub redrive --local`
 * sends them again).
 */
describe('feedpub status and redrive --local with feedpub dev stopped', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('show the queue dev kept, and send its dead letters back into it for the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'feedpub-stopped-dev-'));
    dirs.push(dataDir);
    writeFileSync(join(dataDir, 'site.json'), JSON.stringify({ url: 'http://127.0.0.1:1/' }));
    const sentAt = Date.now() - 120_000;
    writeQueue(dataDir, {
      undelivered: [{ body: event('articles/waiting.md'), sentAt }],
      deadLetters: [
        {
          body: event('articles/parked.md'),
          sentAt,
          receiveCount: 5,
          reason: 'injected: kept failing',
        },
      ],
    });
    const target = { stack: 'unused', local: true, dataDir };

    const queues = await withOperations(target, (ops) => {
      // The folder is this command's while it runs (dev.pid names it): a dev started now is
      // refused, as a second dev is (tests/unit/cli/dev-data-dir.test.ts).
      expect(readFileSync(join(dataDir, DEV_PID_FILE), 'utf8').trim()).toBe(String(process.pid));
      return ops.queues();
    });
    expect(existsSync(join(dataDir, DEV_PID_FILE))).toBe(false);
    const depth = Object.fromEntries(queues.map((q) => [q.role, q.waiting]));
    expect(depth).toMatchObject({ ingest: 1, 'ingest-dlq': 1 });
    const ingest = queues.find((q) => q.role === 'ingest');
    expect(ingest?.oldestAgeSeconds).toBeGreaterThanOrEqual(120);
    // Looking changes nothing.
    expect(readQueue(dataDir).deadLetters).toHaveLength(1);

    const moved = await withOperations(target, (ops) => ops.redriveIngest(false));

    expect(moved).toBe(1);
    const kept = readQueue(dataDir);
    expect(kept.deadLetters).toEqual([]);
    expect(kept.undelivered.map((m) => m.body)).toEqual([
      event('articles/waiting.md'),
      event('articles/parked.md'),
    ]);
    expect(kept.undelivered[0]?.sentAt).toBe(sentAt);
    expect(QUEUE_FILE).toBe('ingest-queue.json');
  });
});
