import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
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

  it('says an embargo given as a day alone is at 00:00 UTC, as ingest does', async () => {
    const own = mkdtempSync(join(tmpdir(), 'feedpub-validate-embargo-'));
    const file = join(own, 'embargo.md');
    writeFileSync(file, '---\ntitle: Embargoed\ndate: 2099-12-03\n---\n\nBody.\n');
    const result = await runCli(['validate', file]);
    rmSync(own, { recursive: true, force: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/warning\s+"date" 2099-12-03 is at 00:00 UTC/);
  });

  it('says why a file would be rejected, and exits 1', async () => {
    const result = await runCli(['validate', join(dir, 'libya.txt'), join(dir, 'bad date.md')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /rejected {2}.*bad date\.md \(articles\/bad date\.md\): .*"next Tuesday" is not a date.*\(invalid-field\)/,
    );
  });

  it('with --json, prints one document a script can read: a verdict per file', async () => {
    const result = await runCli(['validate', '--json', dir]);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ accepted: 2, rejected: 1, skipped: [] });
    const byKey = new Map(
      (summary.files as { key: string }[]).map((verdict) => [verdict.key, verdict]),
    );
    expect(byKey.get('articles/libya.txt')).toMatchObject({
      status: 'published',
      id: 'libya',
      tags: ['security deal'],
      date: null,
      reason: null,
    });
    expect(byKey.get('articles/2019/budget.md')).toMatchObject({
      id: '2019/12/budget-2020',
      authors: ['Jane Doe', 'Ali Ben Salah'],
    });
    expect(byKey.get('articles/bad date.md')).toMatchObject({
      status: 'rejected',
      code: 'invalid-field',
      reason: expect.stringContaining('"next Tuesday" is not a date'),
    });
  });

  it('keys the files of a folder argument by their path inside it', async () => {
    const result = await runCli(['validate', dir]);
    expect(result.stdout).toContain('(articles/2019/budget.md)');
    expect(result.stdout).toContain('3 files: 2 would be accepted, 1 would be rejected');
  });

  it('keys a folder argument inside --inbox by the path inside the inbox, as the upload', async () => {
    const result = await runCli(['validate', '--inbox', dir, join(dir, '2019')]);
    expect(result.stdout).toContain('(articles/2019/budget.md)');
    expect(result.stdout).not.toContain('(articles/budget.md)');
  });

  it('skips links and FIFOs in a folder argument, and refuses a FIFO named as a file', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'feedpub-validate-outside-'));
    const folder = mkdtempSync(join(tmpdir(), 'feedpub-validate-links-'));
    try {
      writeFileSync(join(outside, 'npmrc'), 'token=never-publish-me');
      copyFileSync(fixture('libya-ratifies-turkey-deal.txt'), join(folder, 'libya.txt'));
      symlinkSync(join(outside, 'npmrc'), join(folder, 'npmrc.txt'));
      execFileSync('mkfifo', [join(folder, 'pipe.txt')]);

      const listed = await runCli(['validate', folder]);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toContain(
        `skipped   ${folder}/npmrc.txt: symbolic link (not followed)`,
      );
      expect(listed.stdout).toContain(`skipped   ${folder}/pipe.txt: FIFO (not a regular file)`);
      expect(listed.stdout).toContain('1 file: 1 would be accepted, 0 would be rejected');
      expect(listed.stdout).not.toContain('never-publish-me');

      const named = await runCli(['validate', join(folder, 'pipe.txt')]);
      expect(named.code).toBe(1);
      expect(named.stdout).toMatch(
        /rejected .*pipe\.txt .*: cannot read the file: not a regular file: FIFO/,
      );
    } finally {
      rmSync(outside, { recursive: true, force: true });
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('checks media files as build does: accepted by their bytes, or rejected with the reason', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'feedpub-validate-media-'));
    try {
      mkdirSync(join(folder, 'quay'));
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
      writeFileSync(join(folder, 'quay', 'lead.png'), png);
      writeFileSync(join(folder, 'quay', 'photo.jpg'), png);
      // 21 MiB, sparse: only its first bytes are read.
      writeFileSync(join(folder, 'quay', 'drone.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
      truncateSync(join(folder, 'quay', 'drone.jpg'), 21 * 1024 * 1024);
      writeFileSync(join(folder, 'quay', 'map.svg'), '<svg onload="alert(1)"/>');
      writeFileSync(
        join(folder, 'quay.md'),
        '---\ntitle: Quay\nimage: quay/lead.png\nimage_alt: The quay\n---\n![The quay](quay/photo.jpg) ![Map](quay/map.svg) ![Ferry](quay/ferry.png)\n',
      );

      const result = await runCli(['validate', '--json', folder]);
      expect(result.code).toBe(1);
      const summary = JSON.parse(result.stdout);
      expect(summary).toMatchObject({ accepted: 2, rejected: 3 });
      const byKey = new Map(
        (summary.files as { key: string }[]).map((verdict) => [verdict.key, verdict]),
      );
      expect(byKey.get('articles/quay/lead.png')).toMatchObject({
        kind: 'media',
        status: 'published',
        type: 'image/png',
        size: png.length,
        reason: null,
      });
      const badBytes =
        '"photo.jpg" is named .jpg but its bytes are not image/jpeg (they look like image/png): save it in that format or rename it';
      expect(byKey.get('articles/quay/photo.jpg')).toMatchObject({
        kind: 'media',
        status: 'rejected',
        code: 'bad-media',
        reason: badBytes,
      });
      expect(byKey.get('articles/quay/drone.jpg')).toMatchObject({
        status: 'rejected',
        code: 'too-large',
        reason: 'file is 21 MiB; the limit for image files is 20 MiB',
      });
      expect(byKey.get('articles/quay/map.svg')).toMatchObject({
        status: 'rejected',
        code: 'unsupported-type',
        reason: expect.stringMatching(/^"map\.svg": SVG images can carry script/),
      });
      // What build tells the article of the files it names.
      expect(byKey.get('articles/quay.md')).toMatchObject({
        kind: 'article',
        status: 'published',
        warnings: [
          `media "articles/quay/photo.jpg" is in the inbox but was rejected (${badBytes}): its reference works once a file that passes is uploaded`,
          expect.stringMatching(
            /^media "articles\/quay\/map\.svg" is in the inbox but was rejected/,
          ),
          'media "articles/quay/ferry.png" is not in the inbox (yet): its reference works once the file is uploaded',
        ],
      });

      rmSync(join(folder, 'quay', 'photo.jpg'));
      rmSync(join(folder, 'quay', 'drone.jpg'));
      rmSync(join(folder, 'quay', 'map.svg'));
      writeFileSync(
        join(folder, 'quay.md'),
        '---\ntitle: Quay\nimage: quay/lead.png\n---\nOpen.\n',
      );
      const clean = await runCli(['validate', folder]);
      expect(clean.code).toBe(0);
      expect(clean.stdout).toMatch(
        /ok {8}.*lead\.png \(articles\/quay\/lead\.png\)\n {10}media {4}image\/png, 16 bytes\n {10}status {3}published\n/,
      );
      expect(clean.stdout).toContain('2 files: 2 would be accepted, 0 would be rejected');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('checks the files as uploaded together, as build does: copies held, an id used twice rejected', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'feedpub-validate-together-'));
    try {
      const story = '---\ntitle: Harbour works\n---\nThe works began.\n';
      writeFileSync(join(folder, 'monday.md'), story);
      writeFileSync(join(folder, 'tuesday.md'), story);
      writeFileSync(join(folder, 'quay.md'), '---\ntitle: Quay\n---\nOpen.\n');
      writeFileSync(join(folder, 'quay.txt'), 'Quay again\n\nA second story, the same id.\n');
      // Names the held copy's id: refused, saying which file to delete to free it.
      writeFileSync(join(folder, 'wednesday.md'), '---\ntitle: Wed\nid: tuesday\n---\nNew.\n');
      const result = await runCli(['validate', '--json', folder]);
      expect(result.code).toBe(1);
      const { files } = JSON.parse(result.stdout) as {
        files: { key: string; status: string; reason: string | null; code: string | null }[];
      };
      const byKey = new Map(files.map((f) => [f.key, f]));
      expect(byKey.get('articles/monday.md')?.status).toBe('published');
      expect(byKey.get('articles/tuesday.md')).toMatchObject({
        status: 'held',
        copyOf: 'articles/monday.md',
        reason: null,
      });
      expect(byKey.get('articles/quay.md')?.status).toBe('published');
      expect(byKey.get('articles/quay.txt')).toMatchObject({
        status: 'rejected',
        code: 'bad-id',
        reason:
          'id "quay" is already used by articles/quay.md: set another "id" in the file or rename it',
      });
      expect(byKey.get('articles/wednesday.md')).toMatchObject({
        status: 'rejected',
        code: 'bad-id',
        reason:
          'id "tuesday" is already used by articles/tuesday.md (held, published nowhere: a copy of articles/monday.md; deleting articles/tuesday.md frees the id): set another "id" in the file or rename it',
      });
      const text = await runCli(['validate', folder]);
      expect(text.stdout).toContain(
        'status   held: a copy of articles/monday.md (the same bytes): published nowhere while that file is there',
      );
      // Named in another order, the same verdicts: files are decided in path order, as build
      // publishes them.
      const reordered = await runCli([
        'validate',
        '--json',
        '--inbox',
        folder,
        join(folder, 'quay.txt'),
        join(folder, 'quay.md'),
      ]);
      const named = JSON.parse(reordered.stdout) as { files: { key: string; status: string }[] };
      expect(named.files.map((f) => [f.key, f.status])).toEqual([
        ['articles/quay.txt', 'rejected'],
        ['articles/quay.md', 'published'],
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
