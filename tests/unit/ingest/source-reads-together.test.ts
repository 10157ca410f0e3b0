import { describe, expect, it } from 'vitest';
import { sourceReadsTogether } from '../../../shared/ingest/source-reads-together.ts';
import type { CommitOptions } from '../../../shared/ports/article-store.ts';
import { InMemoryArticleTable } from '../../support/fakes/article-store.ts';
import { testSource } from '../../support/fakes/articles.ts';

async function tableWith(...keys: string[]) {
  const table = new InMemoryArticleTable();
  for (const key of keys) await table.commit({ source: { record: testSource(key) }, articles: [] });
  const reads: string[] = [];
  table.beforeRead = (read) => {
    reads.push(read);
  };
  return { table, reads };
}

describe('sourceReadsTogether', () => {
  it('asks the source records wanted at once in one read, each caller its own copy', async () => {
    const { table, reads } = await tableWith('articles/a.md', 'articles/b.md');
    const store = sourceReadsTogether(table);

    const keys = ['articles/a.md', 'articles/none.md', 'articles/b.md', 'articles/a.md'];
    const found = await Promise.all(keys.map((key) => store.getSource(key)));

    expect(reads).toEqual(['getSources']);
    expect(found.map((record) => record?.key)).toEqual([
      'articles/a.md',
      undefined,
      'articles/b.md',
      'articles/a.md',
    ]);
    expect(found[0]).toEqual(found[3]);
    expect(found[0]).not.toBe(found[3]);

    // Asked later, on its own: a read of its own (one key: getSource).
    reads.length = 0;
    expect((await store.getSource('articles/b.md'))?.key).toBe('articles/b.md');
    expect(reads).toEqual(['getSource']);
  });

  it('fails every caller of a read that fails, and the next read is a new one', async () => {
    const { table } = await tableWith('articles/a.md');
    const store = sourceReadsTogether(table);
    table.beforeRead = () => {
      throw new Error('throttled');
    };
    const asked = ['articles/a.md', 'articles/b.md'].map((key) => store.getSource(key));
    for (const read of asked) await expect(read).rejects.toThrow('throttled');

    table.beforeRead = undefined;
    expect((await store.getSource('articles/a.md'))?.key).toBe('articles/a.md');
  });

  it('passes every other call through to the store', async () => {
    const { table } = await tableWith('articles/a.md');
    const store = sourceReadsTogether(table);
    expect(await store.getArticle('none')).toBeUndefined();
    expect(await store.findByBody('none')).toBeUndefined();
    expect(await store.getArticleAndBody('none', 'none')).toEqual({});
    expect(await store.getMedia('media/none.png')).toBeUndefined();
    expect(await store.dueScheduled('2026-01-01T00:00:00.000Z', 10)).toEqual([]);
    expect([...(await store.getSources(['articles/a.md'])).keys()]).toEqual(['articles/a.md']);
    await store.commit({ source: { record: testSource('articles/c.md') }, articles: [] });
    expect((await table.getSource('articles/c.md'))?.key).toBe('articles/c.md');
  });
});

describe("sourceReadsTogether's writes", () => {
  it("give the store the invocation's deadline for a throttled write", async () => {
    const { table } = await tableWith();
    const given: unknown[] = [];
    const commit = table.commit.bind(table);
    table.commit = async (change: Parameters<typeof commit>[0], options?: CommitOptions) => {
      given.push(options);
      return commit(change);
    };
    const change = { source: { record: testSource('articles/a.md') }, articles: [] };

    await sourceReadsTogether(table, { retryUntil: 1_234 }).commit(change);
    await sourceReadsTogether(table).commit({
      source: { record: testSource('articles/b.md') },
      articles: [],
    });

    expect(given).toEqual([{ retryUntil: 1_234 }, undefined]);
  });
});
