import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionId, synthFeedpub, type Templates } from './synth-feedpub.ts';

// The one synth that runs esbuild for real, once per function.

let t: Templates;
beforeAll(() => {
  t = synthFeedpub({ bundle: true });
});
afterAll(() => t?.feedpub.dispose());

describe.each(['ingest', 'publish', 'release'])('%s bundle', (name) => {
  const assetDir = () => {
    const code = t.service.toJSON().Resources[functionId(t.service, name)].Properties.Code;
    const hash = String(code.S3Key).replace(/\.zip$/, '');
    return join(t.feedpub.outdir, `asset.${hash}`);
  };

  it('is a minified ESM file with its source map, in the cloud assembly', () => {
    const file = join(assetDir(), 'index.mjs');
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}.map`)).toBe(true);
    const code = readFileSync(file, 'utf8');
    // The banner that gives bundled CommonJS a require() inside ESM.
    expect(
      code.startsWith("import { createRequire as __feedpubRequire } from 'node:module';"),
    ).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{\s*handler\s*\}/);
    expect(code).not.toContain('@aws-sdk/client-s3/dist-cjs');
    console.info(`${name}: ${(statSync(file).size / 1024).toFixed(1)} KiB minified`);
  });
});
