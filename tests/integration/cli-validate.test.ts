import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.ts';

const fixture = (name: string) => new URL(`../fixtures/articles/${name}`, import.meta.url);

describe('feedpub validate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'feedpub-validate-'));
  mkdirSync(join(dir, '2019'));
  copyFileSync(fixture('libya-ratifies-turkey-deal.txt'), join(dir, 'libya.txt'));
  copyFileSync(fixture('corpus/full-front-matter.md'), join(dir, '2019', 'budget.md'));
  copyFileSync(fixture('corpus/bad-date.md'), join(dir, 'bad date.md'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints what would be published, and exits 0 when nothing would be rejected', async () => {
    const result = await runCli([
      'validate',
      join(dir, 'libya.txt'),
      join(dir, '2019', 'budget.md'),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(articles/libya.txt)');
    expect(result.stdout).toMatch(/id\s+libya\n/);
    expect(result.stdout).toMatch(/tags\s+security deal\n/);
    expect(result.stdout).toMatch(/date\s+\(none: dated when first uploaded\)/);
    expect(result.stdout).toMatch(/id\s+2019\/12\/budget-2020\n/);
    expect(result.stdout).toContain('2 files: 2 would be accepted, 0 would be rejected');
  });

  it('says why a file would be rejected, and exits 1', async () => {
    const result = await runCli(['validate', join(dir, 'libya.txt'), join(dir, 'bad date.md')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /rejected {2}.*bad date\.md \(articles\/bad date\.md\): .*"next Tuesday" is not a date.*\(invalid-field\)/,
    );
  });

  it('keys the files of a folder argument by their path inside it', async () => {
    const result = await runCli(['validate', dir]);
    expect(result.stdout).toContain('(articles/2019/budget.md)');
    expect(result.stdout).toContain('3 files: 2 would be accepted, 1 would be rejected');
  });
});
