import { applyDueTransitions } from '../articles/lifecycle.ts';
import { planArticleWrite, redirectsMadeLive } from '../articles/stored.ts';
import type { ArticleStore } from '../ports/article-store.ts';
import { StaleWriteError } from '../ports/article-store.ts';

export interface ReleaseDeps {
  store: ArticleStore;
  now: () => Date;
  /** Due articles read per page (default 100). */
  batch?: number;
  /**
   * Whether there is time for another page (the Lambda passes its remaining time); a run that
   * stops leaves the rest to the next one. Default: a run drains everything due.
   */
  timeLeft?: () => boolean;
  /**
   * Until when (epoch ms) a write the table throttles waits (ArticleStore.commit); past it, a
   * throttled write fails the run at once (the next one goes on), well before its timeout.
   */
  retryUntil?: number;
}

/**
 * Makes every due transition (shared/articles/lifecycle.ts): a scheduled article whose date has
 * come goes live, a live one whose `expires` has passed is withdrawn. A page of `batch` at a
 * time, until none is due (or time runs out: the next run goes on). Each is its own
 * transaction, so the change reaches the feeds through the table stream like any other.
 */
export async function releaseDue(
  deps: ReleaseDeps,
): Promise<{ released: string[]; expired: string[] }> {
  const nowIso = deps.now().toISOString();
  const batch = deps.batch ?? 100;
  const released: string[] = [];
  const expired: string[] = [];
  for (;;) {
    const due = await deps.store.dueScheduled(nowIso, batch);
    const before = released.length + expired.length;
    for (const id of due) {
      const stored = await deps.store.getArticle(id);
      if (!stored) continue;
      const next = applyDueTransitions(stored.article, nowIso);
      if (next === stored.article) continue;
      // Its old addresses whose redirect waited for it (renamed while embargoed) redirect now.
      const redirects = await redirectsMadeLive(next, (old) => deps.store.getArticle(old));
      try {
        await deps.store.commit(
          { articles: [planArticleWrite(stored, next), ...redirects] },
          { retryUntil: deps.retryUntil },
        );
        (next.status === 'live' ? released : expired).push(id);
      } catch (error) {
        // Re-uploaded meanwhile: ingest has settled its status; the next run sees the result.
        if (!(error instanceof StaleWriteError)) throw error;
      }
    }
    // A short page was the last; a page that released nothing would only come back the same.
    if (due.length < batch || released.length + expired.length === before) break;
    if (deps.timeLeft && !deps.timeLeft()) break;
  }
  return { released, expired };
}
