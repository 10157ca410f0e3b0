import type { ArticleStore, CommitOptions, SourceRecord } from '../ports/article-store.ts';

interface Waiting {
  resolve: (record: SourceRecord | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * The store, with the getSource calls made together asked in one read (getSources). Every
 * record of an ingest invocation starts by reading its key's source record, all at once, so a
 * batch of ten asks one request instead of ten; later reads (a report's check, a retry) join
 * whatever else is being asked at that moment. Calls are gathered until the event loop turns
 * (setImmediate): nothing waits on a clock. Made per invocation (invocations share nothing on
 * AWS); reads are as strongly consistent as getSource's.
 */
export function sourceReadsTogether(
  store: ArticleStore,
  /** The invocation's: its writes wait out throttling until then (ArticleStore.commit). */
  { retryUntil }: CommitOptions = {},
): ArticleStore {
  let gathering: Map<string, Waiting[]> | undefined;
  const ask = async (asked: Map<string, Waiting[]>) => {
    try {
      const keys = [...asked.keys()];
      // One key alone is asked as before (a GetItem, not a BatchGetItem of one).
      const found: Map<string, SourceRecord | undefined> =
        keys.length > 1
          ? await store.getSources(keys)
          : new Map(
              await Promise.all(keys.map(async (k) => [k, await store.getSource(k)] as const)),
            );
      for (const [key, waiting] of asked) {
        const record = found.get(key);
        // Each caller its own copy, as getSource gives: what one does with it is its own.
        for (const [i, w] of waiting.entries())
          w.resolve(i === 0 ? record : structuredClone(record));
      }
    } catch (error) {
      for (const waiting of asked.values()) for (const w of waiting) w.reject(error);
    }
  };
  const getSource = (key: string) =>
    new Promise<SourceRecord | undefined>((resolve, reject) => {
      let asked = gathering;
      if (!asked) {
        const now = new Map<string, Waiting[]>();
        gathering = asked = now;
        setImmediate(() => {
          gathering = undefined;
          void ask(now);
        });
      }
      asked.set(key, [...(asked.get(key) ?? []), { resolve, reject }]);
    });
  return {
    getSource,
    getSources: (keys) => store.getSources(keys),
    getArticle: (id) => store.getArticle(id),
    findByBody: (hash) => store.findByBody(hash),
    getArticleAndBody: (id, bodyHash) => store.getArticleAndBody(id, bodyHash),
    getMedia: (key) => store.getMedia(key),
    commit: (change, options) =>
      store.commit(change, retryUntil === undefined ? options : { retryUntil, ...options }),
    dueScheduled: (nowIso, limit) => store.dueScheduled(nowIso, limit),
  };
}
