import { describe, expect, it } from 'vitest';
import { memoryIngestHandler, s3Notification, sqsEvent, sqsRecord } from '../../support/harness.ts';

/** `aws s3 mv` delivered in one batch, its delete first: the story moves, never withdrawn. */

const BYTES = '---\ntitle: Moving story\ntags: [city]\n---\n\nBody.\n';

function rig() {
  const { store, inbox, handler, outcomes } = memoryIngestHandler();
  const message = (kind: 'created' | 'removed', key: string, sequencer: string) =>
    sqsRecord({ Records: [s3Notification(kind, 'inbox', key, sequencer)] });
  return { store, inbox, handler, message, outcomes };
}

describe('the ingest handler, one batch holding a move', () => {
  it('takes the copy before the delete, so the story is moved at once and never withdrawn', async () => {
    const { store, inbox, handler, message } = rig();
    inbox.put('articles/a.md', BYTES);
    await handler(sqsEvent(message('created', 'articles/a.md', '01')));
    const guid = (await store.getArticle('a'))?.article.guid;
    store.takeChanges();

    inbox.put('articles/2026/b.md', BYTES);
    inbox.remove('articles/a.md');
    // The delete's message comes first in the batch.
    const result = await handler(
      sqsEvent(
        message('removed', 'articles/a.md', '02'),
        message('created', 'articles/2026/b.md', '01'),
      ),
    );

    expect(result.batchItemFailures).toEqual([]);
    expect((await store.getArticle('2026/b'))?.article).toMatchObject({ status: 'live', guid });
    expect((await store.getArticle('a'))?.article.status).toBe('moved');
    // What publish saw: the old id moved and the new one live, in one change each; no
    // withdrawal in between, so no feed ever told its readers the story was gone.
    const seen = store.takeChanges().map((c) => `${c.after?.id} ${c.after?.status}`);
    expect(seen.sort()).toEqual(['2026/b live', 'a moved']);
    expect(await store.withdrawnEntries('gone:all', '', 10)).toEqual([]);
  });

  it("tells the held copy's move as its own outcome when the delete comes in a later batch", async () => {
    const { store, inbox, handler, message, outcomes } = rig();
    inbox.put('articles/a.md', BYTES);
    await handler(sqsEvent(message('created', 'articles/a.md', '01')));
    inbox.put('articles/copy.md', BYTES);
    await handler(sqsEvent(message('created', 'articles/copy.md', '01')));
    inbox.remove('articles/a.md');
    outcomes.length = 0;
    await handler(sqsEvent(message('removed', 'articles/a.md', '02')));

    expect((await store.getArticle('copy'))?.article.status).toBe('live');
    const said = outcomes.map((o) =>
      o.kind === 'applied'
        ? `${o.report.key} ${o.report.status} ${o.report.movedFrom ?? ''}`
        : o.kind,
    );
    expect(said).toEqual(['articles/a.md deleted ', 'articles/copy.md moved articles/a.md']);
  });

  it('still handles a batch of removals alone, and one with no removal', async () => {
    const { store, inbox, handler, message } = rig();
    inbox.put('articles/a.md', BYTES);
    expect(
      (await handler(sqsEvent(message('created', 'articles/a.md', '01')))).batchItemFailures,
    ).toEqual([]);
    inbox.remove('articles/a.md');
    expect(
      (await handler(sqsEvent(message('removed', 'articles/a.md', '02')))).batchItemFailures,
    ).toEqual([]);
    expect((await store.getArticle('a'))?.article.status).toBe('deleted');
  });
});
