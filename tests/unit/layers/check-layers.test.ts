import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { layerProblems } from '../../../scripts/check-layers.ts';

const project = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('the layer rule', () => {
  const trees: string[] = [];
  afterEach(() => {
    for (const dir of trees.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function tree(files: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), 'feedpub-layers-'));
    trees.push(root);
    for (const top of ['shared', 'functions', 'infra']) mkdirSync(join(root, top));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }

  it('holds in this project', () => {
    expect(layerProblems(project)).toEqual([]);
  });

  it('names every import that crosses a layer it may not', () => {
    const root = tree({
      'shared/ingest/a.ts': [
        "import { StaleWriteError } from '../ports/article-store.ts';",
        "import { DynamoArticleTable } from '../stores/article-table.ts';",
      ].join('\n'),
      'shared/contract/b.ts': "export { x } from '../articles/article.ts';",
      'shared/stores/c.ts': "import { sha256 } from '../feeds/content-hash.ts';",
      'infra/d.ts': "const { S3Inbox } = await import('../shared/stores/inbox-bucket.ts');",
      'shared/articles/e.ts': "import type { Context } from 'aws-lambda';",
      'shared/stores/f.ts': "import { S3Client } from '@aws-sdk/client-s3';",
      'shared/elsewhere/g.ts': '',
    });
    expect(layerProblems(root).sort()).toEqual([
      'infra/d.ts: infra may not import shared/stores/inbox-bucket.ts',
      'shared/articles/e.ts: shared/articles may not import aws-lambda (an AWS package)',
      'shared/contract/b.ts: shared/contract may not import shared/articles/article.ts',
      'shared/elsewhere/g.ts: in no layer; add its folder to scripts/check-layers.ts',
      'shared/ingest/a.ts: shared/ingest may not import shared/stores/article-table.ts',
      'shared/stores/c.ts: shared/stores may not import shared/feeds/content-hash.ts',
    ]);
  });
});
