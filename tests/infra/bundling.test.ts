import { existsSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../shared/contract/environment.ts';
import { functionId, synthFeedpub, type Templates } from './synth-feedpub.ts';

// The one synth that runs esbuild for real, once per function.

let t: Templates;
beforeAll(() => {
  t = synthFeedpub({ bundle: true });
});
afterAll(() => t?.feedpub.dispose());

const assetDir = (name: string) => {
  const code = t.service.toJSON().Resources[functionId(t.service, name)].Properties.Code;
  const hash = String(code.S3Key).replace(/\.zip$/, '');
  return join(t.feedpub.outdir, `asset.${hash}`);
};

describe.each(['ingest', 'publish', 'release'])('%s bundle', (name) => {
  it('is a minified ESM file with its source map, in the cloud assembly', () => {
    const file = join(assetDir(name), 'index.mjs');
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}.map`)).toBe(true);
    const code = readFileSync(file, 'utf8');
    // The banner that gives bundled CommonJS a require() inside ESM.
    expect(
      code.startsWith("import { createRequire as __feedpubRequire } from 'node:module';"),
    ).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{\s*handler\s*\}/);
    expect(code).not.toContain('@aws-sdk/client-s3/dist-cjs');
    // The aliases of infra/lambda-bundle.ts reach CDK's esbuild: none of postcss (its error
    // class), htmlparser2's DOM handler (its class name), sax (an error of its own) or dayjs
    // (its default format); the sanitizing bundles hold the stubs instead.
    for (const left of ['CssSyntaxError', 'DomHandler', 'Non-whitespace before first tag'])
      expect(code).not.toContain(left);
    expect(code).not.toContain('YYYY-MM-DDTHH:mm:ssZ');
    // X-Ray through our own few lines (shared/lambda/xray.ts): not the Powertools Tracer and the
    // X-Ray SDK it loads, but the daemon protocol's header in every function.
    expect(code).not.toContain('captureAWSv3Client');
    expect(code).toContain('{"format":"json","version":1}');
    // Only ingest sanitizes (publish checks stored HTML instead: shared/feeds/html-guard.ts).
    if (name === 'ingest')
      for (const stub of ['postcss', 'dayjs'])
        expect(code).toContain(`${stub} is left out of the Lambda bundles`);
    if (name === 'publish') expect(code).not.toContain('sanitize-html');
    console.info(`${name}: ${(statSync(file).size / 1024).toFixed(1)} KiB minified`);
  });
});

describe('ingest bundle as its own parse worker', () => {
  it('parses an upload in a worker thread that runs the bundle itself', async () => {
    const dir = assetDir('ingest');
    // Lambda's runtime provides the AWS SDK the bundle leaves out; here node_modules does.
    symlinkSync(join(import.meta.dirname, '..', '..', 'node_modules'), join(dir, 'node_modules'));
    const worker = new Worker(join(dir, 'index.mjs'), {
      workerData: { role: 'feedpub-parse-worker' },
      env: {
        ...process.env,
        AWS_REGION: 'us-east-1',
        [ENV.tableName]: 'table',
        [ENV.inboxBucket]: 'inbox',
        [ENV.siteBucket]: 'site',
        [ENV.siteUrl]: 'https://news.example.com/',
        [ENV.ingestDeadLetterQueue]: 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq',
      },
    });
    try {
      const replies: unknown[] = [];
      const twoReplies = new Promise<void>((resolve, reject) => {
        worker.on('error', reject);
        worker.on('message', (reply: { ready?: boolean }) => {
          replies.push(reply);
          if (reply.ready) {
            worker.postMessage({
              key: 'articles/a.md',
              body: new TextEncoder().encode('---\ntitle: In a worker\n---\nBody.'),
              siteUrl: 'https://news.example.com/',
            });
          } else resolve();
        });
      });
      await twoReplies;
      expect(replies).toEqual([
        { ready: true },
        {
          ok: expect.objectContaining({
            article: expect.objectContaining({ title: 'In a worker' }),
          }),
        },
      ]);
    } finally {
      await worker.terminate();
    }
  });
});
