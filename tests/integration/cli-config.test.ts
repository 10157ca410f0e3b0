import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.ts';

// One configuration: the site settings a deployed stack reads from cdk.json's context, the
// CLI reads too; the environment and flags override it, in that order.

const ARTICLE = '---\ntitle: Harbour works\ndate: 2026-12-01\ntags: [Transport]\n---\nText.\n';

describe('feedpub build reads the site settings of cdk.json', () => {
  const root = mkdtempSync(join(tmpdir(), 'feedpub-config-'));
  mkdirSync(join(root, 'inbox'));
  writeFileSync(join(root, 'inbox', 'harbour.md'), ARTICLE);
  const cdkJson = (context: Record<string, unknown>) =>
    writeFileSync(join(root, 'cdk.json'), JSON.stringify({ app: 'npx tsx infra/app.ts', context }));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const build = (out: string, args: string[] = [], env: Record<string, string> = {}) =>
    runCli(['build', '--inbox', join(root, 'inbox'), '--out', join(root, out), ...args], {
      cwd: root,
      env,
    });
  const rss = (out: string) => readFileSync(join(root, out, 'rss.xml'), 'utf8');

  it('takes the title, description, language, item limit and site URL from its context', async () => {
    cdkJson({
      siteUrl: 'https://news.example.org',
      feedTitle: 'Harbour Gazette',
      feedDescription: 'News of the harbour',
      feedLanguage: 'pt-BR',
      itemLimit: 5,
      '@aws-cdk/core:someFlag': true,
    });
    const run = await build('a');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('placeholder');
    const xml = rss('a');
    expect(xml).toContain('<title>Harbour Gazette</title>');
    expect(xml).toContain('<description>News of the harbour</description>');
    expect(xml).toContain('<language>pt-BR</language>');
    expect(xml).toContain('https://news.example.org/articles/harbour.html');
  });

  it('lets the environment, then a flag, win over cdk.json', async () => {
    cdkJson({ siteUrl: 'https://news.example.org', feedTitle: 'Harbour Gazette' });
    await build('b', [], { SITE_TITLE: 'From the environment' });
    expect(rss('b')).toContain('<title>From the environment</title>');
    await build('c', ['--site-url', 'https://flag.example.net/'], {});
    expect(rss('c')).toContain('https://flag.example.net/articles/harbour.html');
  });

  it('names the key of a bad value in cdk.json, in one line, and builds nothing', async () => {
    cdkJson({ itemLimit: 'lots' });
    const run = await build('d');
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(
      /^feedpub: cdk\.json context itemLimit must be .*"lots".*fix it, or remove it\n$/,
    );
  });
});
