import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lambdaBuildOptions } from '../../../infra/lambda-bundle.ts';
import { parseArticle } from '../../../shared/articles/parse.ts';
import { sanitizeContent } from '../../../shared/articles/sanitize.ts';
import { renderArticlePage } from '../../../shared/feeds/article-page.ts';
import { guardHtml } from '../../../shared/feeds/html-guard.ts';
import { renderIndex } from '../../../shared/feeds/index-page.ts';
import { renderFeed } from '../../../shared/feeds/render-feed.ts';
import { article, latestArticles, site } from '../../fixtures/feeds/articles.ts';
import { hostileCases } from '../../fixtures/feeds/hostile-articles.ts';
import { generatedFiles, corpusFiles as hostileFiles } from '../../support/reliability-hostile.ts';
import { corpusFiles, fixture, SITE } from '../articles/helpers.ts';

// The Lambda bundles replace packages that what they use loads but never runs for them with
// stubs, and htmlparser2 with its Parser alone (infra/lambda-bundle.ts). Here the code those
// packages serve is bundled with the same options, postcss's stub wrapped in a spy
// (sanitize-html catches what postcss throws, so only a count can show a call), and must give
// the bytes it gives from source without ever calling postcss; the other stubs would throw.

type Bundled = typeof import('../../support/bundle-aliases-entry.ts');

const SUPPORT = join(import.meta.dirname, '..', '..', 'support');
let dir: string;
let bundled: Bundled;
let metafile: Metafile;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feedpub-bundle-aliases-'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  const outfile = join(dir, 'index.mjs');
  ({ metafile } = await build({
    entryPoints: [join(SUPPORT, 'bundle-aliases-entry.ts')],
    outfile,
    ...lambdaBuildOptions({ postcss: join(SUPPORT, 'postcss-spy.ts') }),
    metafile: true,
    logLevel: 'silent',
  }));
  bundled = await import(pathToFileURL(outfile).href);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  bundled.postcssCalls.length = 0;
});

const STYLED = [
  '<p style="color:red">red</p>',
  '<div STYLE="width: expression(alert(1));">ie</div>',
  '<span style=\'background:url("javascript:alert(2)")\'>bg</span>',
  '<img src="https://img.example/a.png" alt="a" style="border:0">',
  '<a href="https://ok.example/" style="x" onclick="alert(3)">link</a>',
  '<table><tr><td style="padding:0" colspan="2">cell</td></tr></table>',
  '<custom-el style="a:b">custom</custom-el><style>p{}</style>',
];
const OWASP: string[] = JSON.parse(fixture('owasp-xss-vectors.json').toString('utf8'));
const FILES = [
  ...corpusFiles().map((name) => ({ name, body: new Uint8Array(fixture(`corpus/${name}`)) })),
  ...hostileFiles(),
  ...generatedFiles(),
];

/** A parse result, or the rejection as plain fields (the bundle has its own error classes). */
function outcome(parse: typeof parseArticle, name: string, body: Uint8Array): unknown {
  try {
    return parse({ key: `articles/${name}`, body, siteUrl: SITE });
  } catch (error) {
    const { name: kind, message, reason } = error as Error & { reason?: string };
    return { kind, message, reason };
  }
}

const LEFT_OUT =
  /node_modules\/(?:postcss|source-map-js|nanoid|picocolors|dom-serializer|domhandler|domutils|sax|dayjs)\//;

describe('the sanitizers and renderers as the Lambda bundles hold them', () => {
  it('leave postcss, sax, dayjs and the DOM half of htmlparser2 out', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.filter((path) => LEFT_OUT.test(path))).toEqual([]);
    for (const stub of ['postcss.ts', 'sax.ts', 'dayjs.cts'])
      expect(inputs).toContain(`infra/bundle-shims/${stub}`);
    expect(inputs).toContainEqual(expect.stringMatching(/htmlparser2\/dist\/esm\/Parser\.js$/));
  });

  it('would still strip a style attribute sanitize-html was told to allow (the spy sees it)', () => {
    const html = bundled.sanitizeHtml('<p style="color:red">x</p>', {
      allowedTags: ['p'],
      allowedAttributes: { p: ['style'] },
    });
    expect(html).toBe('<p>x</p>');
    expect(bundled.postcssCalls).toEqual(['p {color:red}']);
  });

  it.each([
    ['styled markup', STYLED],
    ['the OWASP filter-evasion vectors', OWASP],
  ])('strip %s as from source, without postcss', (_, inputs) => {
    for (const html of inputs) {
      expect(bundled.sanitizeContent(html, SITE)).toEqual(sanitizeContent(html, SITE));
      expect(bundled.guardHtml(html)).toBe(guardHtml(html));
    }
    expect(bundled.sanitizeContent(STYLED.join(''), SITE).html).not.toMatch(/style/i);
    expect(bundled.postcssCalls).toEqual([]);
  });

  it('parse every fixture and hostile file as from source, without postcss', () => {
    expect(FILES.length).toBeGreaterThan(100);
    for (const { name, body } of FILES)
      expect(outcome(bundled.parseArticle, name, body), name).toEqual(
        outcome(parseArticle, name, body),
      );
    expect(bundled.postcssCalls).toEqual([]);
  });

  it('render feeds and pages, hostile ones too, as from source', () => {
    const cases = [
      ...hostileCases,
      { name: 'latest', feed: { kind: 'all' as const }, articles: latestArticles },
    ];
    for (const { name, feed, articles, site: changes } of cases) {
      const input = { feed, site: { ...site, ...changes }, articles };
      expect(bundled.renderFeed(input), name).toEqual(renderFeed(input));
    }
    const styled = article({ contentHtml: STYLED.join('\n') });
    for (const page of [...latestArticles, ...hostileCases.flatMap((c) => c.articles), styled])
      expect(bundled.renderArticlePage(page, site)).toBe(renderArticlePage(page, site));
    expect(bundled.renderIndex(site, latestArticles, [])).toBe(
      renderIndex(site, latestArticles, []),
    );
    expect(bundled.postcssCalls).toEqual([]);
  });
});

describe('the stubs', () => {
  it('say why their package is missing, should anything call them', () => {
    expect(() => bundled.postcssStub()).toThrow(/^postcss is left out of the Lambda bundles/);
    expect(() => bundled.saxStub()).toThrow(/^sax is left out of the Lambda bundles/);
    expect(() => bundled.dayjsStub()).toThrow(/^dayjs is left out of the Lambda bundles/);
  });
});
