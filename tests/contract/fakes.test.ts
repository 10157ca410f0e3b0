import { InMemoryArticleTable } from '../support/fakes/article-store.ts';
import { InMemoryInbox } from '../support/fakes/inbox.ts';
import { InMemorySiteBucket } from '../support/fakes/site-bucket.ts';
import { articleStoreContract } from './article-store.ts';
import { feedReaderContract } from './feed-reader.ts';
import { inboxContract } from './inbox.ts';
import { renderLedgerContract } from './render-ledger.ts';
import { siteBucketContract } from './site-bucket.ts';

// The fakes the use-case tests run on, held to the contracts the adapters meet (adapters.test.ts).

articleStoreContract('InMemoryArticleTable', async () => new InMemoryArticleTable());
feedReaderContract('InMemoryArticleTable', async () => new InMemoryArticleTable());

renderLedgerContract('InMemoryArticleTable', async () => {
  const ledger = new InMemoryArticleTable();
  let clock = Date.parse('2026-12-03T10:00:00Z');
  ledger.now = () => clock;
  return {
    ledger,
    advance: (ms) => {
      clock += ms;
    },
  };
});

inboxContract('InMemoryInbox', async () => {
  const inbox = new InMemoryInbox();
  return {
    inbox,
    upload: async (key, body) => inbox.put(key, body),
    remove: async (key) => inbox.remove(key),
  };
});

siteBucketContract('InMemorySiteBucket', async () => {
  const bucket = new InMemorySiteBucket();
  return {
    bucket,
    stored: async (path) => {
      const file = bucket.file(path);
      if (!file) return undefined;
      const { path: _path, ...rest } = file;
      return rest;
    },
    plant: async (path, body) => bucket.plant(path, body),
  };
});
