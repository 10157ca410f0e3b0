import { createHash } from 'node:crypto';
import type { Article } from '../shared/articles/article.ts';
import { labelSlug } from '../shared/articles/labels.ts';
import { guidFromId, idFromKey } from '../shared/articles/object-key.ts';
import { escapeHtml, summarize } from '../shared/articles/text.ts';
import type { ArticleSpec } from './corpus.ts';

/**
 * A spec as ingest would store it, built directly (no parsing): for seeding big tables and
 * for the render benchmark, where parsing 20,000 files would only cost time.
 */
export function storedArticle(spec: ArticleSpec, firstSeen: string): Article {
  const id = idFromKey(spec.key);
  const published = spec.date ?? firstSeen;
  const authors = spec.author
    ? [{ slug: labelSlug(spec.author.name), name: spec.author.name, email: spec.author.email }]
    : [];
  const contentHtml = spec.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  return {
    id,
    guid: guidFromId(id),
    sourceKey: spec.key,
    title: spec.title,
    summary: summarize(spec.paragraphs[0] ?? ''),
    contentHtml,
    tags: spec.tags.map((name) => ({ slug: labelSlug(name), name })),
    authors,
    published,
    updated: published,
    status: 'live',
    contentHash: createHash('sha256').update(contentHtml).digest('hex'),
  };
}
