import { describe, expect, it } from 'vitest';
import { ingestObjectEvent } from '../../../shared/ingest/ingest-object.ts';
import type { ObjectEvent } from '../../../shared/ingest/object-event.ts';
import { memoryIngestDeps } from '../../support/fakes/inbox.ts';
import { prng } from '../../support/prng.ts';

/**
 * A versioned inbox, whatever order its events arrive in: the published article is always the
 * key's current version, none after a delete marker (issue 16). Each scenario is a sequence of
 * what editors and cleanup jobs do to one key; its events are delivered in every order once
 * all of it happened, and interleaved with it (each event after its own operation, in random
 * orders from fixed seeds).
 */

const KEY = 'articles/a.md';

type Step =
  | { op: 'put'; title: string }
  /** An older version copied over the current one (a restore): the copy's own event. */
  | { op: 'restore'; from: number }
  /** A plain delete: a delete marker on top (ObjectRemoved:DeleteMarkerCreated). */
  | { op: 'delete' }
  /** One version, or a delete marker, deleted for good (ObjectRemoved:Delete with its id). */
  | { op: 'delete version'; of: number };

const SCENARIOS: Record<string, Step[]> = {
  'an old version deleted by a cleanup job': [
    { op: 'put', title: 'One' },
    { op: 'put', title: 'Two' },
    { op: 'delete version', of: 0 },
  ],
  'a delete undone (its marker deleted)': [
    { op: 'put', title: 'One' },
    { op: 'delete' },
    { op: 'delete version', of: 1 },
  ],
  'an old version restored by copying it over': [
    { op: 'put', title: 'One' },
    { op: 'put', title: 'Two' },
    { op: 'restore', from: 0 },
  ],
  'the current version deleted for good (the one below comes back)': [
    { op: 'put', title: 'One' },
    { op: 'put', title: 'Two' },
    { op: 'delete version', of: 1 },
  ],
  'a delete, a new upload, then the first version cleaned up': [
    { op: 'put', title: 'One' },
    { op: 'delete' },
    { op: 'put', title: 'Two' },
    { op: 'delete version', of: 0 },
  ],
  'a delete, then the version below it cleaned up': [
    { op: 'put', title: 'One' },
    { op: 'delete' },
    { op: 'delete version', of: 0 },
  ],
  'a delete undone, then deleted again': [
    { op: 'put', title: 'One' },
    { op: 'delete' },
    { op: 'delete version', of: 1 },
    { op: 'delete' },
  ],
  'five steps: two uploads, a delete, its marker and a version removed': [
    { op: 'put', title: 'One' },
    { op: 'put', title: 'Two' },
    { op: 'delete' },
    { op: 'delete version', of: 2 },
    { op: 'delete version', of: 1 },
  ],
};

const file = (title: string) => `---\ntitle: ${title}\n---\n\nThe story called ${title}.\n`;

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((rest) =>
    Array.from({ length: n }, (_, at) => [...rest.slice(0, at), n - 1, ...rest.slice(at)]),
  );
}

/** One run: a fresh table and inbox; the steps happen, their events are delivered. */
function run(steps: readonly Step[]) {
  const { store, inbox, deps } = memoryIngestDeps();
  const versions: string[] = [];
  const events: ObjectEvent[] = [];
  const event = (i: number, kind: ObjectEvent['kind'], versionId: string): ObjectEvent => ({
    kind,
    bucket: 'inbox',
    key: KEY,
    versionId,
    // S3's sequencers grow with each operation on a key.
    sequencer: (i + 1).toString(16).toUpperCase().padStart(16, '0'),
    eventTime: `2026-05-01T10:00:0${i}.000Z`,
  });
  const happen = (i: number) => {
    const step = steps[i] as Step;
    if (step.op === 'put') versions[i] = inbox.put(KEY, file(step.title));
    else if (step.op === 'restore')
      versions[i] = inbox.put(KEY, inbox.object(KEY, versions[step.from]) as Uint8Array);
    else if (step.op === 'delete') versions[i] = inbox.remove(KEY);
    else inbox.removeVersion(KEY, versions[step.of] as string);
    const kind =
      step.op === 'delete'
        ? 'removed'
        : step.op === 'delete version'
          ? 'version-removed'
          : 'created';
    const id =
      step.op === 'delete version' ? (versions[step.of] as string) : (versions[i] as string);
    events[i] = event(i, kind, id);
  };
  const deliver = (i: number) => ingestObjectEvent(events[i] as ObjectEvent, deps);
  /** What readers should see: the title of the key's current version, none under a marker. */
  const expected = () => {
    const current = inbox.object(KEY);
    return current ? /title: (\w+)/.exec(new TextDecoder().decode(current))?.[1] : undefined;
  };
  const published = async () => {
    const article = (await store.getArticle('a'))?.article;
    return article?.status === 'live' ? article.title : undefined;
  };
  return { happen, deliver, expected, published };
}

describe('a versioned inbox, its events in any order', () => {
  it.each(Object.entries(SCENARIOS))('%s: every order after it all happened', async (_, steps) => {
    for (const order of permutations(steps.length)) {
      const r = run(steps);
      for (let i = 0; i < steps.length; i++) r.happen(i);
      for (const i of order) await r.deliver(i);
      expect(await r.published(), `order ${order}`).toBe(r.expected());
    }
  });

  it.each(Object.entries(SCENARIOS))('%s: events interleaved with the steps', async (_, steps) => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = prng(seed);
      const r = run(steps);
      let happened = 0;
      const pending = steps.map((_, i) => i);
      const trace: string[] = [];
      while (pending.length > 0) {
        const ready = pending.filter((i) => i < happened);
        if (happened < steps.length && (ready.length === 0 || random() < 0.5)) {
          r.happen(happened);
          trace.push(`step ${happened++}`);
          continue;
        }
        const i = ready[Math.floor(random() * ready.length)] as number;
        pending.splice(pending.indexOf(i), 1);
        await r.deliver(i);
        trace.push(`event ${i}`);
      }
      expect(await r.published(), trace.join(', ')).toBe(r.expected());
    }
  });
});
