import type { Article, Label } from '../../../shared/articles/article.ts';
import { planArticleWrite, type StoredArticle } from '../../../shared/articles/stored.ts';
import type { IngestReport } from '../../../shared/contract/inbox.ts';
import type { ArticleStore, SourceRecord } from '../../../shared/ports/article-store.ts';

/** Test data for the table's contract and the use cases: articles and source records. */

export const labels = (...names: string[]): Label[] =>
  names.map((name) => ({ slug: name.toLowerCase().replaceAll(' ', '-'), name }));

export function testArticle(id: string, patch: Partial<Article> = {}): Article {
  return {
    id,
    guid: `urn:uuid:test-${id}`,
    sourceKey: `articles/${id}.md`,
    title: `Title of ${id}`,
    summary: `Summary of ${id}`,
    contentHtml: `<p>Body of ${id}</p>`,
    tags: [],
    authors: [],
    published: '2026-01-01T00:00:00.000Z',
    updated: '2026-01-01T00:00:00.000Z',
    status: 'live',
    contentHash: `hash-${id}`,
    ...patch,
  };
}

export function testSource(key: string, patch: Partial<SourceRecord> = {}): SourceRecord {
  const report: IngestReport = {
    key,
    sequencer: '01',
    eventTime: '2026-01-01T00:00:00.000Z',
    status: 'published',
    warnings: [],
  };
  return {
    key,
    sequencer: '01',
    appliedSequencer: '01',
    revision: 1,
    firstSeen: '2026-01-01T00:00:00.000Z',
    deleted: false,
    report,
    ...patch,
  };
}

/** Writes `article` over whatever the table holds for its id, as ingest would plan it. */
export async function saveArticle(store: ArticleStore, article: Article): Promise<StoredArticle> {
  const before = await store.getArticle(article.id);
  const write = planArticleWrite(before, article);
  await store.commit({ articles: [write] });
  return write.put as StoredArticle;
}

/** Removes the article with this id, its feed entries and its schedule. */
export async function removeArticle(
  store: ArticleStore,
  id: string,
  at = '2026-01-01T12:00:00.000Z',
): Promise<void> {
  const before = await store.getArticle(id);
  if (!before) throw new Error(`no article ${id} to remove`);
  await store.commit({ articles: [planArticleWrite(before, undefined, at)] });
}
