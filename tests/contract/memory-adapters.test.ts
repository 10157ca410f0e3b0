import { MemoryInbox } from '../../shared/stores/memory-inbox.ts';
import { MemorySiteMedia } from '../../shared/stores/memory-site-media.ts';
import { MemoryArticleTable } from '../../shared/stores/memory-table.ts';
import { InMemorySiteBucket } from '../support/fakes/site-bucket.ts';
import { articleStoreContract } from './article-store.ts';
import { feedReaderContract } from './feed-reader.ts';
import { inboxContract } from './inbox.ts';
import { renderLedgerContract } from './render-ledger.ts';
import { siteBucketContract } from './site-bucket.ts';
import { siteMediaContract } from './site-media.ts';

// The in-memory adapters (shared/stores/memory-*.ts), which `feedpub build` runs on and whose
// test doubles the use-case tests run on, held to the contracts the AWS adapters meet
// (adapters.test.ts). The site bucket is checked through its test double, which only records
// calls and can plant a foreign object.

articleStoreContract('MemoryArticleTable', async () => new MemoryArticleTable());
feedReaderContract('MemoryArticleTable', async () => new MemoryArticleTable());

renderLedgerContract('MemoryArticleTable', async () => {
  const ledger = new MemoryArticleTable();
  let clock = Date.parse('2026-12-03T10:00:00Z');
  ledger.now = () => clock;
  return {
    ledger,
    advance: (ms) => {
      clock += ms;
    },
  };
});

inboxContract('MemoryInbox', async () => {
  const inbox = new MemoryInbox();
  return {
    inbox,
    upload: async (key, body) => inbox.put(key, body),
    remove: async (key) => {
      inbox.remove(key);
    },
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
    twin: () => bucket,
  };
});

siteMediaContract('MemorySiteMedia', async () => {
  const inbox = new MemoryInbox();
  const media = new MemorySiteMedia({ inbox });
  return {
    media,
    upload: async (key, body) => inbox.put(key, body),
    stored: async (path) => media.file(path),
  };
});
