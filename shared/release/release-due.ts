import { planArticleWrite } from '../articles/stored.ts';
import type { ArticleStore } from '../ports/article-store.ts';
import { StaleWriteError } from '../ports/article-store.ts';

export interface ReleaseDeps {
  store: ArticleStore;
  now: () => Date;
  /** Articles released per run (default 100); the next run takes the rest. */
  batch?: number;
}

/**
 * Makes scheduled articles whose date has come live. Each is its own transaction, so the
 * change reaches the feeds through the table stream like any other.
 */
export async function releaseDue(deps: ReleaseDeps): Promise<{ released: string[] }> {
  const nowIso = deps.now().toISOString();
  const released: string[] = [];
  for (const id of await deps.store.dueScheduled(nowIso, deps.batch ?? 100)) {
    const stored = await deps.store.getArticle(id);
    if (stored?.article.status !== 'scheduled' || stored.article.published > nowIso) continue;
    try {
      await deps.store.commit({
        articles: [planArticleWrite(stored, { ...stored.article, status: 'live' })],
      });
      released.push(id);
    } catch (error) {
      // Re-uploaded meanwhile: ingest has settled its status; the next run sees the result.
      if (!(error instanceof StaleWriteError)) throw error;
    }
  }
  return { released };
}
