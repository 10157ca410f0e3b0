import { existsSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
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

/** The bundle's files: `index.mjs` and the chunks under `chunks/`. */
function bundleFiles(dir: string): string[] {
  const chunks = join(dir, 'chunks');
  return [
    join(dir, 'index.mjs'),
    ...(existsSync(chunks) ? readdirSync(chunks).map((file) => join(chunks, file)) : []),
  ].filter((file) => file.endsWith('.mjs'));
}

/** What a cold start loads: `index.mjs` and the chunks it imports statically, transitively. */
function coldStartFiles(dir: string): string[] {
  const loaded = [join(dir, 'index.mjs')];
  for (const file of loaded)
    for (const [, chunk = ''] of readFileSync(file, 'utf8').matchAll(
      /from\s*"\.\/(?:chunks\/)?([^"]+\.mjs)"/g,
    )) {
      const path = join(dir, 'chunks', chunk);
      if (!loaded.includes(path)) loaded.push(path);
    }
  return loaded;
}

describe.each(['ingest', 'publish', 'release', 'announce'])('%s bundle', (name) => {
  it('is minified ESM with source maps, in the cloud assembly', () => {
    const dir = assetDir(name);
    const file = join(dir, 'index.mjs');
    const files = bundleFiles(dir);
    for (const each of files) expect(existsSync(`${each}.map`)).toBe(true);
    const code = readFileSync(file, 'utf8');
    const all = files.map((each) => readFileSync(each, 'utf8')).join('\n');
    // The banner that gives bundled CommonJS a require() inside ESM, in every file.
    for (const each of files)
      expect(
        readFileSync(each, 'utf8').startsWith(
          "import { createRequire as __feedpubRequire } from 'node:module';",
        ),
      ).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{\s*handler\s*\}/);
    expect(all).not.toContain('@aws-sdk/client-s3/dist-cjs');
    // The aliases of infra/lambda-bundle.ts reach the bundler: none of postcss (its error
    // class), htmlparser2's DOM handler (its class name), sax (an error of its own) or dayjs
    // (its default format); the sanitizing bundle holds the stubs instead.
    for (const left of ['CssSyntaxError', 'DomHandler', 'Non-whitespace before first tag'])
      expect(all).not.toContain(left);
    expect(all).not.toContain('YYYY-MM-DDTHH:mm:ssZ');
    // X-Ray through our own few lines (shared/lambda/xray.ts): not the Powertools Tracer and the
    // X-Ray SDK it loads, but the daemon protocol's header in every function.
    expect(all).not.toContain('captureAWSv3Client');
    expect(code).toContain('{"format":"json","version":1}');
    // Only ingest sanitizes (publish checks stored HTML instead: shared/feeds/html-guard.ts).
    if (name === 'ingest')
      for (const stub of ['postcss', 'dayjs'])
        expect(all).toContain(`${stub} is left out of the Lambda bundles`);
    if (name === 'publish') expect(all).not.toContain('sanitize-html');
    const cold = coldStartFiles(dir);
    const kib = (list: string[]) =>
      (list.reduce((sum, each) => sum + statSync(each).size, 0) / 1024).toFixed(1);
    console.info(`${name}: ${kib(cold)} KiB minified at cold start, ${kib(files)} KiB in all`);
  });
});

describe('ingest bundle', () => {
  it('loads its parser (YAML, Markdown, sanitize-html) only in a chunk of its own', () => {
    const dir = assetDir('ingest');
    const cold = coldStartFiles(dir)
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const all = bundleFiles(dir)
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    // yaml's and marked's own names, and sanitize-html's option.
    for (const parser of ['YAMLParseError', 'marked(): input parameter', 'allowedSchemesByTag']) {
      expect(all).toContain(parser);
      expect(cold).not.toContain(parser);
    }
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
