import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runCli } from '../support/cli-process.ts';

const FIXTURES = new URL('../fixtures/articles/', import.meta.url);
const SITE = 'https://news.example.com/';

/** Corpus path → fixture it is a copy of. */
const CORPUS: Record<string, string> = {
  'libya-ratifies-turkey-deal.txt': 'libya-ratifies-turkey-deal.txt',
  '2019/budget.md': 'corpus/full-front-matter.md',
  'Été à Paris/mairie plan.json': 'corpus/cms-export.json',
  'drafts/embargoed.md': 'corpus/draft-scheduled.md',
  'broken/bad date.md': 'corpus/bad-date.md',
  'empty.txt': 'corpus/empty.txt',
};

const SECRET = 'token=never-publish-me';

/** Entries of the corpus that are never read, and why. */
const SKIPPED = [
  { file: 'alias.md', reason: 'symbolic link (not followed)' },
  { file: 'drafts-link', reason: 'symbolic link (not followed)' },
  { file: 'npmrc.txt', reason: 'symbolic link (not followed)' },
  { file: 'parent', reason: 'symbolic link (not followed)' },
  { file: 'pipe.txt', reason: 'FIFO (not a regular file)' },
];

function makeCorpus(outside: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'feedpub-build-in-'));
  for (const [path, fixture] of Object.entries(CORPUS)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    copyFileSync(new URL(fixture, FIXTURES), join(dir, path));
  }
  // Editor droppings are not articles.
  writeFileSync(join(dir, '.DS_Store'), 'x');
  writeFileSync(join(dir, 'empty.txt~'), 'x');
  // Links are never followed, out of the folder or inside it; a FIFO is never opened.
  writeFileSync(join(outside, 'npmrc'), SECRET);
  symlinkSync(join(outside, 'npmrc'), join(dir, 'npmrc.txt'));
  symlinkSync('..', join(dir, 'parent'));
  symlinkSync('libya-ratifies-turkey-deal.txt', join(dir, 'alias.md'));
  symlinkSync('drafts', join(dir, 'drafts-link'));
  execFileSync('mkfifo', [join(dir, 'pipe.txt')]);
  return dir;
}

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

interface Summary {
  files: {
    file: string;
    key: string;
    status: string;
    id: string | null;
    title: string | null;
    reason: string | null;
    code: string | null;
    copyOf: string | null;
    movedFrom: string | null;
    warnings: string[];
  }[];
  skipped: { file: string; reason: string }[];
  accepted: number;
  rejected: number;
  failed: number;
  written: string[];
}

/** `feedpub build` of `inbox` into `out`, with its JSON summary (written beside `out`). */
async function buildWithSummary(inbox: string, out: string, ...options: string[]) {
  const json = `${out}.json`;
  const run = await runCli(['build', '--inbox', inbox, '--out', out, '--json', json, ...options]);
  return { run, summary: JSON.parse(readFileSync(json, 'utf8')) as Summary };
}

describe('feedpub build', () => {
  const outside = mkdtempSync(join(tmpdir(), 'feedpub-build-outside-'));
  const inbox = makeCorpus(outside);
  const work = mkdtempSync(join(tmpdir(), 'feedpub-build-out-'));
  const out = join(work, 'site');
  const json = join(work, 'summary.json');
  let run: CliRun;
  let summary: Summary;

  beforeAll(async () => {
    run = await runCli([
      'build',
      '--inbox',
      inbox,
      '--out',
      out,
      '--json',
      json,
      '--site-url',
      SITE,
    ]);
    summary = JSON.parse(readFileSync(json, 'utf8')) as Summary;
  });
  afterAll(() => {
    rmSync(inbox, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('exits 0 although some articles were rejected, and says so', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('6 files: 3 published, 1 draft, 2 rejected');
    expect(summary).toMatchObject({ accepted: 4, rejected: 2, failed: 0 });
    expect(run.stdout).toMatch(/rejected\s+empty\.txt: file is empty/);
  });

  it('has exactly one summary entry per input file, keyed by its path in the inbox', () => {
    expect(summary.files.map((a) => a.file).sort()).toEqual(Object.keys(CORPUS).sort());
    for (const entry of summary.files) expect(entry.key).toBe(`articles/${entry.file}`);
    const byFile = new Map(summary.files.map((a) => [a.file, a]));
    expect(byFile.get('libya-ratifies-turkey-deal.txt')).toMatchObject({
      status: 'published',
      id: 'libya-ratifies-turkey-deal',
      title: "Libya's internationally recognized gov't ratifies Turkey security deal",
      reason: null,
    });
    expect(byFile.get('2019/budget.md')).toMatchObject({
      status: 'published',
      id: '2019/12/budget-2020',
    });
    const paris = byFile.get('Été à Paris/mairie plan.json');
    expect(paris?.status).toBe('published');
    expect(paris?.warnings).toContain('removed <script> from content');
    expect(byFile.get('drafts/embargoed.md')?.status).toBe('draft');
    expect(byFile.get('broken/bad date.md')).toMatchObject({ status: 'rejected', id: null });
    expect(byFile.get('broken/bad date.md')?.reason).toMatch(/"next Tuesday" is not a date/);
    expect(byFile.get('empty.txt')).toMatchObject({
      status: 'rejected',
      reason: 'file is empty',
      code: 'empty',
    });
  });

  it('skips links (out, to the parent, inside) and FIFOs, and lists them', () => {
    expect(run.stdout).toContain(
      `feedpub build: 6 files from ${inbox} (5 skipped, listed at the end)`,
    );
    expect(run.stdout).toContain('5 entries skipped, not read:');
    for (const { file, reason } of SKIPPED)
      expect(run.stdout).toContain(`  skipped   ${file}: ${reason}`);
    expect(summary.skipped).toEqual(SKIPPED);
  });

  it('publishes nothing from outside the inbox, and nothing twice', () => {
    const site = filesBelow(out).map((file) => readFileSync(join(out, file), 'utf8'));
    expect(site.filter((text) => text.includes(SECRET))).toEqual([]);
    expect(summary.files.map((a) => a.file).sort()).toEqual(Object.keys(CORPUS).sort());
    const rss = readFileSync(join(out, 'rss.xml'), 'utf8');
    expect(rss.match(/<item>/g)).toHaveLength(3);
  });

  it('writes the whole site to --out, and lists exactly those files', () => {
    const written = filesBelow(out);
    expect(summary.written).toEqual(written);
    expect(written).toEqual(
      expect.arrayContaining([
        'rss.xml',
        'atom.xml',
        'feed.json',
        'index.html',
        'feeds.opml',
        '404.html',
        'tags/index.html',
        'tags/security-deal/rss.xml',
        'tags/budget/atom.xml',
        'authors/jane-doe/feed.json',
        'articles/libya-ratifies-turkey-deal.html',
        'articles/2019/12/budget-2020.html',
      ]),
    );
    expect(written.filter((f) => f.startsWith('articles/'))).toHaveLength(3);
    const rss = readFileSync(join(out, 'rss.xml'), 'utf8');
    expect(rss).toContain(`${SITE}articles/libya-ratifies-turkey-deal.html`);
    expect(rss).not.toContain('Embargoed');
    const feed = JSON.parse(readFileSync(join(out, 'feed.json'), 'utf8')) as { items: unknown[] };
    expect(feed.items).toHaveLength(3);
  });

  it('with --strict, exits 1 when an article is rejected', async () => {
    const strictOut = join(work, 'strict');
    const strict = await runCli(['build', '--inbox', inbox, '--out', strictOut, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('--strict: some articles were rejected');
    expect(filesBelow(strictOut)).toContain('rss.xml');
  });

  it('refuses a missing inbox with one clear line, before starting anything', async () => {
    const missing = join(work, 'no-such-folder');
    const result = await runCli(['build', '--inbox', missing, '--out', join(work, 'x')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(
      `feedpub: the inbox folder ${missing} does not exist: pass the folder holding your articles with --inbox`,
    );
  });

  it('refuses an --out that is the inbox under another name, even with --clean', async () => {
    const alias = join(work, 'inbox-alias');
    symlinkSync(inbox, alias);
    const result = await runCli(['build', '--inbox', inbox, '--out', alias, '--clean']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `feedpub: --out ${alias} and --inbox ${inbox} overlap: write the site to a folder outside the inbox`,
    );
    expect(readdirSync(inbox)).toContain('libya-ratifies-turkey-deal.txt');
  });

  it('refuses to overwrite a non-empty output folder without --clean', async () => {
    const result = await runCli(['build', '--inbox', inbox, '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/output folder .* is not empty: add --clean/);
  });

  it('refuses --clean on a folder holding what no build writes, and deletes nothing', async () => {
    const project = join(work, 'project');
    mkdirSync(join(project, '.git'), { recursive: true });
    mkdirSync(join(project, 'src'));
    writeFileSync(join(project, 'index.html'), '<p>old site</p>');
    writeFileSync(join(project, 'CNAME'), 'news.example.com');
    const result = await runCli(['build', '--inbox', inbox, '--out', project, '--clean']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `feedpub: --clean would delete ${project}, which holds .git, CNAME, src that no build writes: choose a folder of the site's own with --out, or empty it yourself`,
    );
    expect(readdirSync(project).sort()).toEqual(['.git', 'CNAME', 'index.html', 'src']);
  });

  it('names an output folder it cannot write to', async () => {
    const blocked = join(work, 'summary.json', 'site');
    const result = await runCli(['build', '--inbox', inbox, '--out', blocked]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot write to the output folder .* \(ENOTDIR\)/);
  });
});

describe('feedpub build: copies, and names that are not UTF-8', () => {
  const work = mkdtempSync(join(tmpdir(), 'feedpub-build-copies-'));
  const inbox = join(work, 'inbox');
  const story =
    '---\ntitle: Harbour works begin\ndate: 2026-11-02T08:00:00Z\n---\nThe works began.\n';
  const wire = 'Quay reopens\n\nThe quay reopened on Monday.\n';
  mkdirSync(join(inbox, 'desk'), { recursive: true });
  writeFileSync(join(inbox, 'desk/monday.md'), story);
  writeFileSync(join(inbox, 'desk/tuesday.md'), story);
  for (const n of [1, 2, 3]) writeFileSync(join(inbox, `wire-${n}.txt`), wire);
  // Two paths that give one id: the first by path has it.
  writeFileSync(join(inbox, 'quay.md'), '---\ntitle: Quay\n---\nOpen.\n');
  writeFileSync(join(inbox, 'quay.txt'), 'Quay again\n\nA second story.\n');
  // `été.md` written in Latin-1: a name no S3 key and no UTF-8 path can carry.
  writeFileSync(
    Buffer.from([...Buffer.from(`${inbox}/`), 0xe9, 0x74, 0xe9, ...Buffer.from('.md')]),
    story,
  );
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const build = async (name: string) => {
    const { run, summary } = await buildWithSummary(inbox, join(work, name), '--site-url', SITE);
    return { run, summary, status: new Map(summary.files.map((a) => [a.file, a.status])) };
  };

  it('holds a file with the same bytes as one before it, and refuses one the id of one before it, in path order, every time', async () => {
    for (const name of ['first', 'second']) {
      const { run, status } = await build(name);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('7 files: 3 published, 3 held, 1 rejected');
      expect(run.stdout).toContain(
        '  rejected  quay.txt: id "quay" is already used by articles/quay.md: set another "id" in the file or rename it',
      );
      expect(Object.fromEntries(status)).toEqual({
        'desk/monday.md': 'published',
        'desk/tuesday.md': 'held',
        'quay.md': 'published',
        'quay.txt': 'rejected',
        'wire-1.txt': 'published',
        'wire-2.txt': 'held',
        'wire-3.txt': 'held',
      });
      const pages = filesBelow(join(work, name)).filter((f) => f.startsWith('articles/'));
      expect(pages).toEqual([
        'articles/desk/monday.html',
        'articles/quay.html',
        'articles/wire-1.html',
      ]);
      for (const page of pages)
        expect(readFileSync(join(work, name, page), 'utf8')).not.toContain('Moved');
    }
  });

  it('lists a file whose name is not UTF-8 as skipped, saying why, instead of losing it', async () => {
    const { run, summary } = await build('names');
    const reason =
      'its name is not valid UTF-8 (shown with � for the bytes that are not): rename it to publish it';
    expect(summary.skipped).toEqual([{ file: '�t�.md', reason }]);
    expect(run.stdout).toContain(`  skipped   �t�.md: ${reason}`);
  });
});

describe('feedpub build: ids set in the files, and media that was rejected', () => {
  const work = mkdtempSync(join(tmpdir(), 'feedpub-build-ids-'));
  const inbox = join(work, 'inbox');
  mkdirSync(join(inbox, 'story'), { recursive: true });
  // A long file parses far slower than a short one: in upload order all the same.
  const long = Array.from(
    { length: 1500 },
    (_, i) => `Paragraph ${i} with *some* emphasis and a [link](https://example.org/${i}).`,
  ).join('\n\n');
  writeFileSync(join(inbox, 'a-long.md'), `---\ntitle: Harbour\nid: harbour\n---\n${long}\n`);
  writeFileSync(join(inbox, 'b-short.md'), '---\ntitle: Harbour too\nid: harbour\n---\nShort.\n');
  // A file's own id against a later file's path.
  writeFileSync(join(inbox, 'c-long.md'), `---\ntitle: Dock\nid: d\n---\n${long}\n`);
  writeFileSync(join(inbox, 'd.md'), '---\ntitle: D\n---\nD.\n');
  // Copies that name their own id: a second user of it, not a move.
  const same = '---\ntitle: Same\nid: story-g\n---\nSame bytes.\n';
  writeFileSync(join(inbox, 'g1.md'), same);
  writeFileSync(join(inbox, 'g2.md'), same);
  // Under the 1 MiB upload limit, over what a stored article holds once converted to HTML.
  writeFileSync(join(inbox, 'huge.md'), `---\ntitle: Huge\n---\n${long.repeat(4)}\n`);
  // A held copy has its path's id: a later file with that id is refused it.
  writeFileSync(join(inbox, 'monday.md'), '---\ntitle: Monday\n---\nThe works began.\n');
  copyFileSync(join(inbox, 'monday.md'), join(inbox, 'tuesday.md'));
  writeFileSync(join(inbox, 'tuesday.txt'), 'Tuesday wire\n\nAnother story.\n');
  // Media the article names: a PNG named .jpg (rejected), a PNG, and a file not there.
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  writeFileSync(join(inbox, 'story/fake.jpg'), png);
  writeFileSync(join(inbox, 'story/lead.png'), png);
  // A 2.5 GiB recording (sparse: no disk used), over the audio limit and over what Node reads
  // into one buffer: refused on its size, never read.
  writeFileSync(join(inbox, 'story/giant.mp3'), 'ID3');
  truncateSync(join(inbox, 'story/giant.mp3'), 2.5 * 2 ** 30);
  writeFileSync(
    join(inbox, 'story.md'),
    '---\ntitle: Story\nimage: story/fake.jpg\nimage_alt: A fake\n---\n![Lead](story/lead.png) ![Later](story/later.png) ![Talk](story/giant.mp3)\n',
  );
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const build = async (name: string) => {
    const { run, summary } = await buildWithSummary(inbox, join(work, name));
    expect(run.code).toBe(0);
    return summary;
  };
  const taken = (id: string, key: string) =>
    `id "${id}" is already used by ${key}: set another "id" in the file or rename it`;
  /** What build's summary and validate's verdicts both say of a file, by its key. */
  type Said = { key: string; status: string; reason: string | null; code: string | null };
  const said = (entries: (Said & { copyOf: string | null })[]) =>
    Object.fromEntries(
      entries
        // Articles only: the media test below compares the media files.
        .filter((e) => !e.key.startsWith('articles/story/'))
        .map(({ key, status, reason, code, copyOf }) => [key, { status, reason, code, copyOf }]),
    );

  it('gives an id set in two files to the first by path, every run, as validate says', async () => {
    const verdicts = await runCli(['validate', '--json', inbox]);
    const validated = said(JSON.parse(verdicts.stdout).files);
    for (const name of ['first', 'second']) {
      const summary = await build(name);
      const entries = said(summary.files);
      expect(entries).toEqual(validated);
      const built = Object.fromEntries(
        Object.entries(entries).map(([key, e]) => [key, e.reason ?? e.status]),
      );
      expect(built).toMatchObject({
        'articles/a-long.md': 'published',
        'articles/b-short.md': taken('harbour', 'articles/a-long.md'),
        'articles/c-long.md': 'published',
        'articles/d.md': taken('d', 'articles/c-long.md'),
        'articles/g1.md': 'published',
        'articles/g2.md': taken('story-g', 'articles/g1.md'),
        'articles/monday.md': 'published',
        'articles/tuesday.md': 'held',
        'articles/tuesday.txt': taken(
          'tuesday',
          'articles/tuesday.md (held, published nowhere: a copy of articles/monday.md; deleting articles/tuesday.md frees the id)',
        ),
      });
      expect(entries['articles/tuesday.md']?.copyOf).toBe('articles/monday.md');
      expect(entries['articles/d.md']?.code).toBe('bad-id');
      expect(entries['articles/huge.md']).toMatchObject({ status: 'rejected', code: 'too-large' });
    }
  });

  it("says that a media file an article names was rejected, and why, instead of 'not in the inbox'; one too large is refused without being read", async () => {
    const summary = await build('media');
    expect(summary.files.find((a) => a.file === 'story/giant.mp3')).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('the limit for audio files is 200 MiB'),
    });
    const story = summary.files.find((a) => a.file === 'story.md');
    expect(story?.status).toBe('published');
    expect(story?.warnings).toEqual([
      'media "articles/story/later.png" is not in the inbox (yet): its reference works once the file is uploaded',
      'media "articles/story/giant.mp3" is in the inbox but was rejected (file is 2560 MiB; the limit for audio files is 200 MiB): its reference works once a file that passes is uploaded',
      'media "articles/story/fake.jpg" is in the inbox but was rejected ("fake.jpg" is named .jpg but its bytes are not image/jpeg (they look like image/png): save it in that format or rename it): its reference works once a file that passes is uploaded',
    ]);
  });
});

describe('feedpub build: the same files make the same site', () => {
  const work = mkdtempSync(join(tmpdir(), 'feedpub-build-same-'));
  const inbox = join(work, 'inbox');
  mkdirSync(inbox);
  // No date in either: each is dated when it was uploaded, that is, last modified.
  writeFileSync(join(inbox, 'wire.txt'), 'Harbour reopens\n\nThe harbour reopened.\n\nharbour\n');
  writeFileSync(
    join(inbox, 'fixed.md'),
    '---\ntitle: Mayor resigns\ncorrection: An earlier version misspelled her name.\n---\nShe resigned.\n',
  );
  const modified = new Date('2026-03-01T09:00:00Z');
  for (const name of ['wire.txt', 'fixed.md']) utimesSync(join(inbox, name), modified, modified);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const site = (out: string) =>
    new Map(filesBelow(out).map((file) => [file, readFileSync(join(out, file), 'utf8')]));

  it('dates a story without a date, and a correction, by the file, so two builds are byte for byte the same', async () => {
    const [first, second] = [join(work, 'first'), join(work, 'second')];
    expect((await runCli(['build', '--inbox', inbox, '--out', first])).code).toBe(0);
    expect((await runCli(['build', '--inbox', inbox, '--out', second])).code).toBe(0);
    const [a, b] = [site(first), site(second)];
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [file, text] of a) expect(b.get(file), file).toBe(text);
    const feed = JSON.parse(a.get('feed.json') ?? '{}') as {
      items: { title: string; date_published: string; date_modified: string }[];
    };
    expect(feed.items.find((i) => i.title === 'Harbour reopens')?.date_published).toBe(
      '2026-03-01T09:00:00.000Z',
    );
    // The correction is dated when it was seen, and moves the story's `updated` with it.
    expect(a.get('articles/fixed.html')).toContain('2026-03-01');
    expect(feed.items.find((i) => i.title === 'Mayor resigns')?.date_modified).toBe(
      '2026-03-01T09:00:00.000Z',
    );
  });

  it('takes SOURCE_DATE_EPOCH as its clock: no file is dated after it', async () => {
    const out = join(work, 'epoch');
    const epoch = Date.parse('2026-02-01T00:00:00Z') / 1000;
    const run = await runCli(['build', '--inbox', inbox, '--out', out], {
      env: { SOURCE_DATE_EPOCH: String(epoch) },
    });
    expect(run.code).toBe(0);
    const feed = JSON.parse(readFileSync(join(out, 'feed.json'), 'utf8')) as {
      items: { date_published: string }[];
    };
    expect(feed.items.map((i) => i.date_published)).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
    ]);
    // Publish goes by that clock too: both stories are of the news sitemap's last two days.
    const news = readFileSync(join(out, 'news-sitemap.xml'), 'utf8');
    expect(news.match(/<news:publication_date>2026-02-01T00:00:00.000Z</g)).toHaveLength(2);
    const bad = await runCli(['build', '--inbox', inbox, '--out', join(work, 'bad')], {
      env: { SOURCE_DATE_EPOCH: 'yesterday' },
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('SOURCE_DATE_EPOCH must be whole seconds since 1970');
  });
});

describe('feedpub build: a video larger than what it reads at once', () => {
  const work = mkdtempSync(join(tmpdir(), 'feedpub-build-video-'));
  const inbox = join(work, 'inbox');
  mkdirSync(join(inbox, 'clip'), { recursive: true });
  // 40 MiB: an MP4 header, sparse zeros, a tail of its own; read and copied a megabyte at a time.
  const video = join(inbox, 'clip/talk.mp4');
  writeFileSync(video, Buffer.from([0, 0, 0, 0x18, ...Buffer.from('ftypmp42'), 0, 0, 0, 0]));
  truncateSync(video, 40 * 2 ** 20);
  const tail = Buffer.from('the last bytes of the clip');
  const fd = openSync(video, 'r+');
  writeSync(fd, tail, 0, tail.length, 40 * 2 ** 20 - tail.length);
  closeSync(fd);
  writeFileSync(
    join(inbox, 'clip.md'),
    '---\ntitle: The talk\nimage: clip/talk.mp4\nimage_alt: The talk\n---\nWatch.\n',
  );
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('publishes it byte for byte under its version name, and the story leads with a player', async () => {
    const out = join(work, 'site');
    const { run, summary } = await buildWithSummary(inbox, out, '--site-url', SITE);
    expect(run.code).toBe(0);
    expect(summary.files.map((f) => [f.file, f.status]).sort()).toEqual([
      ['clip.md', 'published'],
      ['clip/talk.mp4', 'published'],
    ]);
    const md5 = createHash('md5').update(readFileSync(video)).digest('hex');
    const version = createHash('sha256').update(md5).digest('hex').slice(0, 12);
    const [published] = filesBelow(join(out, 'media/clip'));
    expect(published).toBe(`talk.${version}.mp4`);
    expect(readFileSync(join(out, 'media/clip', published ?? '')).equals(readFileSync(video))).toBe(
      true,
    );
    const page = readFileSync(join(out, 'articles/clip.html'), 'utf8');
    expect(page).toContain(`<video controls preload="none" src="${SITE}media/clip/${published}"`);
  });
});
