import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ArticleRejectedError } from '../../../shared/articles/errors.ts';
import { parseArticle } from '../../../shared/articles/parse.ts';
import { ParsePool } from '../../../shared/parsing/parse-pool.ts';
import { HANG_MS } from '../../support/wait.ts';

const SITE = 'https://news.example.com/';
const STALLING = new URL('../../fixtures/parsers/stalling-parser.ts', import.meta.url);
const sample = readFileSync(
  new URL('../../fixtures/articles/libya-ratifies-turkey-deal.txt', import.meta.url),
);
const md = (title: string) => new TextEncoder().encode(`---\ntitle: ${title}\n---\n\nBody.\n`);

describe('parsing in worker threads', () => {
  const pools: ParsePool[] = [];
  const pool = (options: ConstructorParameters<typeof ParsePool>[0]) => {
    const created = new ParsePool(options);
    pools.push(created);
    return created;
  };
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });

  it('gives what parseArticle gives, and its rejections with their reason', async () => {
    const { parse } = pool({});
    const input = { key: 'articles/libya.txt', body: sample, siteUrl: SITE };
    expect(await parse(input)).toEqual(parseArticle(input));

    const rejection = await parse({ key: 'articles/x.md', body: new Uint8Array(), siteUrl: SITE })
      .then(() => undefined)
      .catch((error: unknown) => error);
    expect(rejection).toBeInstanceOf(ArticleRejectedError);
    expect(rejection).toMatchObject({ reason: 'empty', message: 'file is empty' });
  });

  it('never lets a stalled upload hold up the others', async () => {
    // No budget short of a hang: the others finish while the stalled one still spins.
    const { parse } = pool({ size: 2, budgetMs: HANG_MS, parser: STALLING });
    let stalledSettled = false;
    const stalled = parse({ key: 'articles/stall.md', body: md('Stall'), siteUrl: SITE }).finally(
      () => {
        stalledSettled = true;
      },
    );
    stalled.catch(() => {});

    const titles = await Promise.all(
      ['One', 'Two', 'Three', 'Four'].map(async (title) => {
        const parsed = await parse({ key: `articles/${title}.md`, body: md(title), siteUrl: SITE });
        return parsed.article.title;
      }),
    );

    expect(titles).toEqual(['One', 'Two', 'Three', 'Four']);
    expect(stalledSettled).toBe(false);
  });

  it('rejects an upload that passes its budget, with a report-ready reason, and goes on', async () => {
    // Only the stalled upload has a short budget: no good parse races a clock.
    const { parse } = pool({
      size: 1,
      budgetMs: (input) => (input.key.includes('stall') ? 1_000 : HANG_MS),
      parser: STALLING,
    });

    const rejection = await parse({ key: 'articles/stall.md', body: md('Stall'), siteUrl: SITE })
      .then(() => undefined)
      .catch((error: unknown) => error);

    expect(rejection).toBeInstanceOf(ArticleRejectedError);
    expect(rejection).toMatchObject({ reason: 'too-complex' });
    expect((rejection as Error).message).toContain('took more than 1 s to parse');
    // The spinning worker was replaced: the next upload is parsed.
    const next = await parse({ key: 'articles/after.md', body: md('After'), siteUrl: SITE });
    expect(next.article.title).toBe('After');
  });

  it('fails an upload whose worker dies mid-parse (retryable), and replaces the worker', async () => {
    const { parse } = pool({ size: 1, budgetMs: HANG_MS, parser: STALLING });

    const crashed = await parse({ key: 'articles/crash.md', body: md('Crash'), siteUrl: SITE })
      .then(() => undefined)
      .catch((error: unknown) => error);

    expect(crashed).toBeInstanceOf(Error);
    expect(crashed).not.toBeInstanceOf(ArticleRejectedError);
    expect((crashed as Error).message).toBe('the parse worker exited (code 2)');
    expect(
      (await parse({ key: 'articles/next.md', body: md('Next'), siteUrl: SITE })).article.title,
    ).toBe('Next');
  });

  it('drops a worker that dies while idle, so the next upload is not lost with it', async () => {
    const { parse } = pool({ size: 1, budgetMs: HANG_MS, parser: STALLING });
    const first = await parse({ key: 'articles/exit-after.md', body: md('First'), siteUrl: SITE });
    expect(first.article.title).toBe('First');

    // Whether or not the idle worker has exited yet, the next upload is parsed.
    const next = await parse({ key: 'articles/next.md', body: md('Next'), siteUrl: SITE });
    expect(next.article.title).toBe('Next');
  });

  it('refuses work once closed', async () => {
    const closed = pool({});
    await closed.close();
    await expect(
      closed.parse({ key: 'articles/a.md', body: md('A'), siteUrl: SITE }),
    ).rejects.toThrow('the parse pool is closed');
  });
});
