import { describe, expect, it } from 'vitest';
import { republish } from '../../../shared/cli/operations/commands.ts';
import type { Operations } from '../../../shared/cli/operations/operations.ts';
import type { RepublishEvent, RepublishSummary } from '../../../shared/contract/event-sources.ts';

/**
 * Publish renders the ids of one request while its invocation has time, and names the rest
 * (RepublishSummary.remaining): `feedpub republish` (and `redrive`) send them again until none
 * is left, so a redrive of thousands of ids ends, one invocation at a time.
 */
describe('feedpub republish of more ids than one invocation renders', () => {
  it('sends the ids left again until none is, and adds up what each request did', async () => {
    const asked: RepublishEvent[] = [];
    const ops = {
      republish: async (event: RepublishEvent): Promise<RepublishSummary> => {
        asked.push(event);
        const ids = event.ids ?? [];
        const done = ids.slice(0, 2);
        const rest = ids.slice(2);
        return {
          articles: done.filter((id) => id !== 'gone').length,
          written: 3,
          deleted: 0,
          unchanged: 1,
          notFound: done.filter((id) => id === 'gone'),
          ...(rest.length > 0 ? { pending: 'out of time' as const, remaining: rest } : {}),
        };
      },
    } as unknown as Operations;
    const lines: string[] = [];

    const code = await republish(ops, { all: false, ids: ['a', 'b', 'gone', 'c', 'd'] }, (l) =>
      lines.push(l),
    );

    expect(asked.map((e) => e.ids)).toEqual([
      ['a', 'b', 'gone', 'c', 'd'],
      ['gone', 'c', 'd'],
      ['d'],
    ]);
    expect(lines).toEqual([
      'Republished 4 article(s): a, b, c, d (4 articles rendered, 9 files written, 0 removed, 3 unchanged).',
      'Not in the table, nothing republished: gone',
    ]);
    expect(code).toBe(1);
  });
});
