import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { get } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFoldersApart } from '../../shared/cli/dev-folders.ts';
import { CACHE_CONTROL, CONTENT_SECURITY_POLICY } from '../../shared/contract/edge.ts';
import { ENV } from '../../shared/contract/environment.ts';
import { launchChromium } from '../e2e/chromium.ts';
import {
  descendants,
  freePort,
  isAlive,
  REPO_ROOT,
  runCli,
  startCli,
} from '../support/cli-process.ts';
import { LOOPBACK, listenersOf } from '../support/listeners.ts';
import { eventually } from '../support/wait.ts';
import { jsonFeedProblems, rssProblems } from '../unit/feeds/feed-checks.ts';
import { a, xpathCount } from '../unit/feeds/xml-tools.ts';

function rawStatus(port: number, path: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).on('error', reject);
  });
}

const ARTICLE = `---
title: Harbour reopens after the storm
tags: [Weather, Harbour]
---
The harbour reopened on Monday morning after three days of storm.
`;

/** The site's old addresses (README "Old addresses"), as cdk.json or the environment set them. */
const OLD_ADDRESSES = '/posts/:slug/ /articles/:slug.html, /feed/ /rss.xml';

const readText = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');

/** `feedpub dev` on `root`'s `data` and `inbox` folders, run to its end. */
const devIn = (root: string, ...more: string[]) =>
  runCli(['dev', '--data-dir', join(root, 'data'), '--inbox', join(root, 'inbox'), ...more]);

describe('feedpub dev', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'feedpub-dev-data-'));
  const inbox = mkdtempSync(join(tmpdir(), 'feedpub-dev-inbox-'));
  const outside = mkdtempSync(join(tmpdir(), 'feedpub-dev-outside-'));
  let port: number;
  let base: string;
  let cli: ReturnType<typeof startCli>;

  beforeAll(async () => {
    writeFileSync(join(outside, 'npmrc'), 'token=never-publish-me');
    symlinkSync(join(outside, 'npmrc'), join(inbox, 'npmrc.txt'));
    execFileSync('mkfifo', [join(inbox, 'pipe.txt')]);
    cli = startCli(
      ['dev', '--fresh', '--data-dir', dataDir, '--inbox', inbox, '--port', '0', '--s3-port', '0'],
      { env: { [ENV.siteRedirects]: OLD_ADDRESSES } },
    );
    await eventually(
      async () => (cli.output().includes('Press Ctrl-C to stop.') ? true : undefined),
      'feedpub dev to start',
    );
    // Port 0: the OS picks, so no other process can take the port between choosing and binding.
    port = Number(/Site {8}http:\/\/127\.0\.0\.1:(\d+)\//.exec(cli.output())?.[1]);
    base = `http://127.0.0.1:${port}/`;
  });

  afterAll(() => {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(inbox, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('prints the site, the feeds to subscribe to and a ready-to-paste upload command', () => {
    const output = cli.output();
    expect(output).toContain(`Site        ${base}`);
    expect(output).toContain(`${base}rss.xml`);
    expect(output).toContain(`${base}atom.xml`);
    expect(output).toContain(`${base}feed.json`);
    expect(output).toContain(`${base}feeds.opml`);
    expect(output).toMatch(
      /AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER .*aws s3 cp FILE s3:\/\/feedpub-inbox\/articles\/ --endpoint-url http:\/\/127\.0\.0\.1:\d+/,
    );
  });

  it('serves a home page and valid, empty feeds before the first article', async () => {
    const index = await fetch(base);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<html');
    const rss = await fetch(`${base}rss.xml`);
    expect(rss.status).toBe(200);
    const xml = await rss.text();
    expect(rssProblems(xml, `${base}rss.xml`)).toEqual([]);
    expect(xpathCount(xml, '/rss/channel')).toBe(1);
    expect(xpathCount(xml, '//item')).toBe(0);
    const atom = await fetch(`${base}atom.xml`);
    expect(atom.status).toBe(200);
    expect(xpathCount(await atom.text(), `/${a('feed')}/${a('entry')}`)).toBe(0);
    const json = await fetch(`${base}feed.json`);
    expect(jsonFeedProblems(await json.text(), `${base}feed.json`)).toEqual([]);
    expect((await fetch(`${base}feeds.opml`)).status).toBe(200);
  });

  it('publishes a file dropped into the inbox folder and serves it with ETags and 304s', async () => {
    const printedBefore = cli.output().length;
    writeFileSync(join(inbox, 'harbour reopens.md'), ARTICLE);
    const rss = await eventually(async () => {
      const res = await fetch(`${base}rss.xml`);
      const text = await res.text();
      return text.includes('Harbour reopens after the storm') ? res : undefined;
    }, 'the article in /rss.xml');
    expect(rss.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    expect(rss.headers.get('cache-control')).toMatch(/max-age=/);
    const etag = rss.headers.get('etag') ?? '';
    const lastModified = rss.headers.get('last-modified') ?? '';
    // Weak: the edge compressed it for fetch, which asks for gzip (CloudFront does the same).
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);

    expect((await fetch(`${base}rss.xml`, { headers: { 'If-None-Match': etag } })).status).toBe(
      304,
    );
    const since = await fetch(`${base}rss.xml`, { headers: { 'If-Modified-Since': lastModified } });
    expect(since.status).toBe(304);
    // The batch's summary line follows its last write.
    await eventually(
      async () =>
        /wrote\s+\d+ files: /.test(cli.output().slice(printedBefore)) ? true : undefined,
      'the "wrote" line',
    );
    expect(cli.output()).toMatch(/published\s+articles\/harbour reopens\.md → harbour-reopens-/);
  });

  it('answers / with index.html, a missing path with the 404 page, a CORS preflight, and refuses POST', async () => {
    // The edge keeps a listing up to 5 s (EDGE_SECONDS.listing), and the empty site's index was
    // read before the article came: the new one shows once that copy expires.
    const index = await eventually(async () => {
      const res = await fetch(base);
      return (await res.text()).includes('Harbour reopens after the storm') ? res : undefined;
    }, 'the article on /');
    expect(index.status).toBe(200);
    const missing = await fetch(`${base}no/such/page.html`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await missing.text()).toContain('<html');
    const head = await fetch(`${base}feed.json`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
    expect((await fetch(base, { method: 'POST' })).status).toBe(405);
    // A browser-based reader's preflight before a conditional GET: allowed, from any origin.
    const preflight = await fetch(`${base}feed.json`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://reader.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'if-none-match',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD');
    // fetch() would resolve the dots itself: send the raw path.
    expect(await rawStatus(port, '/%2e%2e/%2e%2e/etc/passwd')).toBe(400);
    expect(await rawStatus(port, '/../articles')).toBe(400);
  });

  it('serves through the model of the deployed edge: its headers, its lifetimes, its folder rules', async () => {
    // Each feed with its own type, compressed for a reader that takes it (fetch asks gzip).
    const compressed: string[] = [];
    for (const [path, type] of [
      ['rss.xml', 'application/rss+xml; charset=utf-8'],
      ['atom.xml', 'application/atom+xml; charset=utf-8'],
      ['feed.json', 'application/feed+json; charset=utf-8'],
      ['feeds.opml', 'text/x-opml; charset=utf-8'],
    ] as const) {
      const res = await fetch(`${base}${path}`);
      expect([path, res.headers.get('content-type')]).toEqual([path, type]);
      // CloudFront compresses 1,000 bytes and more.
      const large = Buffer.byteLength(await res.text()) >= 1000;
      expect([path, res.headers.get('content-encoding')]).toEqual([path, large ? 'gzip' : null]);
      expect(res.headers.get('etag'), path).toMatch(large ? /^W\/"/ : /^"/);
      if (large) compressed.push(path);
    }
    // The site's RSS and Atom feeds are past 1,000 bytes: these checks saw compression happen.
    expect(compressed).toEqual(expect.arrayContaining(['rss.xml', 'atom.xml']));
    const feed = await fetch(`${base}rss.xml`);
    expect(feed.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(feed.headers.get('x-content-type-options')).toBe('nosniff');
    expect(feed.headers.get('cache-control')).toBe(CACHE_CONTROL.feed);
    expect(feed.headers.get('x-cache')).toMatch(/^(Hit|Miss) from feedpub-edge$/);
    expect(feed.headers.get('link')).toBe(`<${base}rss.xml>; rel="self"`);
    const folder = await fetch(`${base}tags`, { redirect: 'manual' });
    expect([folder.status, folder.headers.get('location')]).toEqual([301, '/tags/']);
    expect((await fetch(`${base}tags/`)).status).toBe(200);
    // The site's redirect rules, applied by the same function code the distribution runs.
    expect(cli.output()).toContain('Redirects   /posts/:slug/  →  /articles/:slug.html');
    for (const [old, to] of [
      ['posts/harbour-reopens/', '/articles/harbour-reopens.html'],
      ['feed', '/rss.xml'],
    ]) {
      const moved = await fetch(`${base}${old}`, { redirect: 'manual' });
      expect([old, moved.status, moved.headers.get('location')]).toEqual([old, 301, to]);
    }
    expect((await fetch(`${base}posts/a/b/`, { redirect: 'manual' })).status).toBe(404);
  });

  it('serves pages a browser reads: feed autodiscovery links and the article text', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(base);
      const alternates = () =>
        page.$$eval('link[rel="alternate"]', (links) =>
          links.map((l) => `${l.getAttribute('type')} ${l.getAttribute('href')}`),
        );
      expect(await alternates()).toEqual([
        `application/rss+xml ${base}rss.xml`,
        `application/atom+xml ${base}atom.xml`,
        `application/feed+json ${base}feed.json`,
      ]);
      await page.getByRole('link', { name: 'Harbour reopens after the storm' }).first().click();
      await page.waitForURL(/\/articles\/harbour-reopens-[0-9a-f]+\.html$/);
      expect(await page.title()).toContain('Harbour reopens after the storm');
      expect(await page.textContent('body')).toContain(
        'The harbour reopened on Monday morning after three days of storm.',
      );
      expect(await alternates()).toEqual(
        expect.arrayContaining([
          `application/rss+xml ${base}rss.xml`,
          `application/rss+xml ${base}tags/weather/rss.xml`,
          `application/atom+xml ${base}tags/harbour/atom.xml`,
        ]),
      );
    } finally {
      await browser.close();
    }
  });

  it('answers the operator commands with --local from its own process: its queues, its table', async () => {
    const status = await runCli(['status', '--local', '--data-dir', dataDir, '--json']);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    const doc = JSON.parse(status.stdout);
    expect(doc.target).toBe(`feedpub dev (pid ${cli.child.pid}) on ${dataDir}`);
    if (doc.articles.live !== 1)
      console.error('DOC', JSON.stringify(doc.articles), cli.output().slice(-3000));
    expect(doc.articles).toMatchObject({ live: 1, complete: true });
    expect(doc.queues).toEqual([
      { role: 'ingest', waiting: 0, inFlight: 0, oldestAgeSeconds: null },
      { role: 'ingest-dlq', waiting: 0, inFlight: 0, oldestAgeSeconds: null },
      { role: 'publish-dlq', waiting: 0, inFlight: 0, oldestAgeSeconds: null },
      { role: 'hub-notice-dlq', waiting: 0, inFlight: 0, oldestAgeSeconds: null },
    ]);
    const redrive = await runCli(['redrive', '--local', '--data-dir', dataDir]);
    expect([redrive.code, redrive.stdout]).toEqual([
      0,
      'ingest DLQ: 0 message(s) sent back to the ingest queue\npublish DLQ: empty\n',
    ]);
    // Only this folder's owner can read the port's token.
    expect(statSync(join(dataDir, 'dev-control.json')).mode & 0o077).toBe(0);
  });

  it('removes the article when its file is deleted', async () => {
    rmSync(join(inbox, 'harbour reopens.md'));
    await eventually(async () => {
      const text = await (await fetch(`${base}rss.xml`)).text();
      return text.includes('Harbour reopens') ? undefined : true;
    }, 'the article to leave /rss.xml');
    expect(cli.output()).toMatch(/deleted\s+articles\/harbour reopens\.md/);
  });

  it('says once which inbox entries it skips, however many scans pass', () => {
    // By now the mirror has scanned many times: it uploaded and deleted a file.
    const output = cli.output();
    const count = (text: string) => output.split(text).length - 1;
    expect(count('feedpub: inbox: skipped npmrc.txt: symbolic link (not followed)\n')).toBe(1);
    expect(count('feedpub: inbox: skipped pipe.txt: FIFO (not a regular file)\n')).toBe(1);
    expect(output).not.toMatch(/npmrc\.txt →|articles\/npmrc\.txt|articles\/pipe\.txt/);
  });

  it('listens on 127.0.0.1 only: site server, s3rver and DynamoDB Local', () => {
    const output = cli.output();
    const portOf = (label: string) =>
      Number(new RegExp(`${label}\\s+http://127\\.0\\.0\\.1:(\\d+)`).exec(output)?.[1]);
    const ours = [portOf('Site'), portOf('S3'), portOf('DynamoDB')];
    const pid = cli.child.pid as number;
    const found = listenersOf([pid, ...descendants(pid).map((p) => p.pid)]);

    expect(found.map((l) => l.port)).toEqual(expect.arrayContaining(ours));
    expect(found.filter((l) => !LOOPBACK.includes(l.address))).toEqual([]);
  });

  it('stops everything on Ctrl-C (SIGINT), leaving no Java process behind', async () => {
    const pid = cli.child.pid as number;
    const started = descendants(pid);
    const java = started.filter((p) => p.comm === 'java');
    expect(java).toHaveLength(1);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    // The control port is gone with it: --local commands start their own runtime again.
    expect(existsSync(join(dataDir, 'dev-control.json'))).toBe(false);
    await eventually(
      async () => (started.every((p) => !isAlive(p.pid)) ? true : undefined),
      'the child processes to end',
    );
  });
});

describe('feedpub dev started again with other settings', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'feedpub-dev-restart-data-'));
  const inbox = mkdtempSync(join(tmpdir(), 'feedpub-dev-restart-inbox-'));
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(inbox, { recursive: true, force: true });
  });

  /** `feedpub dev` on the same folders, titled `title`: its site's base URL, and the process. */
  async function start(title: string, fresh: boolean) {
    const args = ['dev', '--data-dir', dataDir, '--inbox', inbox, '--port', '0', '--s3-port', '0'];
    const cli = startCli(fresh ? [...args, '--fresh'] : args, {
      env: { [ENV.siteTitle]: title },
    });
    await eventually(
      async () => (cli.output().includes('Press Ctrl-C to stop.') ? true : undefined),
      'feedpub dev to start',
    );
    const port = Number(/Site {8}http:\/\/127\.0\.0\.1:(\d+)\//.exec(cli.output())?.[1]);
    return { cli, base: `http://127.0.0.1:${port}/` };
  }
  const text = async (url: string) => (await fetch(url)).text();

  it('renders every file again with the new settings, with no upload', async () => {
    writeFileSync(join(inbox, 'harbour.md'), ARTICLE);
    const first = await start('First Gazette', true);
    try {
      await eventually(
        async () =>
          (await text(`${first.base}rss.xml`)).includes('Harbour reopens') ? true : undefined,
        'the article in /rss.xml',
      );
      const page = await fetch(`${first.base}articles/harbour.html`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('First Gazette');
    } finally {
      first.cli.child.kill('SIGINT');
    }
    expect(await first.cli.exited).toBe(0);

    const second = await start('Second Gazette', false);
    try {
      // Re-rendered before the site is served: the first answers already carry the new title.
      const rss = await text(`${second.base}rss.xml`);
      expect(rss).toContain('<title>Second Gazette</title>');
      expect(rss).toContain('Harbour reopens');
      expect(await text(`${second.base}tags/weather/atom.xml`)).toContain('Second Gazette');
      const answer = await fetch(`${second.base}articles/harbour.html`);
      expect(answer.status).toBe(200);
      const page = await answer.text();
      expect(page).toContain('The harbour reopened on Monday');
      expect(page).toContain('Second Gazette');
      expect(page).not.toContain('First Gazette');
      expect(second.cli.output()).toMatch(/settings changed; re-rendered 1 article/);
    } finally {
      second.cli.child.kill('SIGINT');
    }
    expect(await second.cli.exited).toBe(0);
  });
});

describe('feedpub dev with overlapping inbox and data folders', () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'feedpub-dev-overlap-')));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const FIX = 'keep the inbox and the data folder apart (neither inside the other)';

  /** Runs dev with these folders; it must fail before creating or starting anything. */
  async function refused(inbox: string, dataDir: string): Promise<string> {
    const result = await runCli(['dev', '--inbox', inbox, '--data-dir', dataDir, '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(existsSync(join(dataDir, 'dynamodb'))).toBe(false);
    expect(existsSync(join(inbox, 'libya-ratifies-turkey-deal.txt'))).toBe(false);
    return result.stderr;
  }

  it('refuses an inbox inside the data folder', async () => {
    const data = join(root, 'a', 'data');
    expect(await refused(join(data, 'inbox'), data)).toBe(
      `feedpub: --inbox ${data}/inbox is inside --data-dir ${data}: ${FIX}\n`,
    );
  });

  it('refuses a data folder inside the inbox, unless hidden there (the mirror never reads it)', async () => {
    const inbox = join(root, 'b', 'inbox');
    mkdirSync(inbox, { recursive: true });
    expect(await refused(inbox, join(inbox, 'state'))).toBe(
      `feedpub: --data-dir ${inbox}/state is inside --inbox ${inbox}: ${FIX}\n`,
    );
    // `--inbox .` with the default `./.feedpub`.
    expect(() => checkFoldersApart(inbox, join(inbox, '.feedpub'))).not.toThrow();
    expect(() => checkFoldersApart(inbox, join(inbox, 'sub', '.state'))).not.toThrow();
  });

  it('refuses one folder for both', async () => {
    const both = join(root, 'c');
    expect(await refused(both, both)).toBe(
      `feedpub: --inbox ${both} and --data-dir ${both} are the same folder: ${FIX}\n`,
    );
  });

  it('sees through a symbolic link to the same folder', async () => {
    const data = join(root, 'd', 'data');
    mkdirSync(data, { recursive: true });
    symlinkSync(data, join(root, 'd', 'alias'));
    const alias = join(root, 'd', 'alias');
    expect(await refused(alias, data)).toBe(
      `feedpub: --inbox ${alias} (really ${data}) and --data-dir ${data} are the same folder: ${FIX}\n`,
    );
  });
});

describe('feedpub dev whose parent goes away (npm start killed)', () => {
  it('stops everything, Java included, as on SIGTERM', async () => {
    const root = mkdtempSync(join(tmpdir(), 'feedpub-dev-orphan-'));
    const log = join(root, 'dev.log');
    // A launcher that starts dev as npm does (a shell in between) and waits: killed with
    // SIGKILL, it passes nothing on, as npm passes nothing on when SIGTERM ends it.
    const launcher = `
      const { spawn } = require('node:child_process');
      const { openSync } = require('node:fs');
      const out = openSync(${JSON.stringify(log)}, 'a');
      const dev = spawn('sh', ['-c', process.argv[1]], { stdio: ['ignore', out, out] });
      setInterval(() => {}, 1000);`;
    const command = [
      JSON.stringify(process.execPath),
      JSON.stringify(join(REPO_ROOT, 'shared/cli/feedpub.js')),
      'dev --port 0 --s3-port 0',
      `--data-dir ${JSON.stringify(join(root, 'data'))}`,
      `--inbox ${JSON.stringify(join(root, 'inbox'))}`,
    ].join(' ');
    const parent = spawn(process.execPath, ['-e', launcher, command], { stdio: 'ignore' });
    try {
      await eventually(
        async () => (readText(log).includes('Press Ctrl-C to stop.') ? true : undefined),
        'feedpub dev to start',
      );
      const started = descendants(parent.pid as number);
      expect(started.filter((p) => p.comm === 'java')).toHaveLength(1);
      parent.kill('SIGKILL');
      await eventually(
        async () => (started.every((p) => !isAlive(p.pid)) ? true : undefined),
        'every process it started to end',
      );
      expect(readText(log)).toContain('feedpub: stopping…');
      expect(existsSync(join(root, 'data', 'dev.pid'))).toBe(false);
    } finally {
      parent.kill('SIGKILL');
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('feedpub dev on a data folder another dev uses', () => {
  it('refuses it in one line, before serving, deleting (--fresh) or starting anything', async () => {
    const root = mkdtempSync(join(tmpdir(), 'feedpub-dev-twice-'));
    const dataDir = join(root, 'data');
    mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
    writeFileSync(join(dataDir, 'dynamodb', 'shared-local-instance.db'), 'the first dev’s table');
    // A live process holds the folder: this test's own (the dev under test is another).
    writeFileSync(join(dataDir, 'dev.pid'), `${process.pid}\n`);
    try {
      const result = await devIn(root, '--port', '0', '--fresh');
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `feedpub: feedpub dev is already running on ${dataDir} (process ${process.pid}): stop it first (Ctrl-C in its terminal), or give this one another --data-dir\n`,
      );
      expect(readFileSync(join(dataDir, 'dynamodb', 'shared-local-instance.db'), 'utf8')).toBe(
        'the first dev’s table',
      );
      expect(readFileSync(join(dataDir, 'dev.pid'), 'utf8')).toBe(`${process.pid}\n`);
      expect(existsSync(join(root, 'inbox'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('feedpub dev with its HTTP port taken', () => {
  let blocker: Server;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it('says so in one line and exits before starting the emulators', async () => {
    const root = mkdtempSync(join(tmpdir(), 'feedpub-dev-busy-'));
    const dataDir = join(root, 'data');
    try {
      const result = await devIn(root, '--port', String(port));
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `feedpub: Port ${port} (site server) is already in use on 127.0.0.1: stop whatever listens there, or choose another port with --port.`,
      );
      expect(existsSync(join(dataDir, 'dynamodb'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
