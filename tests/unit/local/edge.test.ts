import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CACHE_CONTROL,
  CONTENT_SECURITY_POLICY,
  EDGE_ERROR_SECONDS,
  EDGE_LOCATION_METADATA,
  EDGE_SECONDS,
  EDGE_STATUS_METADATA,
  EDGE_TTL,
  edgeTtlFor,
  MEDIA_EDGE_TTL,
} from '../../../shared/contract/edge.ts';
import { MEDIA_CACHE_CONTROL } from '../../../shared/contract/media.ts';
import { siteUrlOf } from '../../../shared/contract/site-layout.ts';
import { EdgeModel, type EdgeRequest, edgeSeconds } from '../../../shared/local/edge.ts';

/** A site bucket in memory whose reads are counted, and a clock the test moves. */
function rig(hubs: string[] = []) {
  const objects = new Map<
    string,
    { body: string; cacheControl?: string; etag: string; metadata?: Record<string, string> }
  >();
  const reads: string[] = [];
  const clock = { now: 1_000_000 };
  const put = (
    key: string,
    body: string,
    cacheControl?: string,
    metadata?: Record<string, string>,
  ) => objects.set(key, { body, cacheControl, etag: `"${body.length}-${body}"`, metadata });
  const edge = new EdgeModel({
    hubs,
    siteUrl: 'https://news.example.com/',
    now: () => clock.now,
    readOrigin: async (key) => {
      reads.push(key);
      const o = objects.get(key);
      return (
        o && {
          body: new TextEncoder().encode(o.body),
          cacheControl: o.cacheControl,
          etag: o.etag,
          contentType: 'text/plain; charset=utf-8',
          lastModified: new Date(0),
          ...(o.metadata ? { metadata: o.metadata } : {}),
        }
      );
    },
  });
  const get = async (url: string, headers: EdgeRequest['headers'] = {}) => {
    const res = await edge.serve({
      method: 'GET',
      url,
      headers: { host: 'localhost', ...headers },
    });
    const body = res.body === undefined ? undefined : Buffer.from(res.body).toString();
    return { ...res, body };
  };
  return { put, get, reads, clock, edge, objects };
}

describe('the local edge (a model of the CloudFront distribution)', () => {
  it('serves one byte range of an object as CloudFront does (206, 416), and the whole for several', async () => {
    const { put, get } = rig();
    put('media/clip.mp4', '0123456789', 'public, max-age=31536000, immutable');
    const part = await get('/media/clip.mp4', { range: 'bytes=2-5' });
    expect([part.status, part.body, part.headers['content-range']]).toEqual([
      206,
      '2345',
      'bytes 2-5/10',
    ]);
    expect(part.headers['content-length']).toBe('4');
    expect((await get('/media/clip.mp4', { range: 'bytes=7-' })).body).toBe('789');
    expect((await get('/media/clip.mp4', { range: 'bytes=-3' })).body).toBe('789');
    expect((await get('/media/clip.mp4', { range: 'bytes=8-100' })).headers['content-range']).toBe(
      'bytes 8-9/10',
    );
    const beyond = await get('/media/clip.mp4', { range: 'bytes=10-' });
    expect([beyond.status, beyond.headers['content-range']]).toEqual([416, 'bytes */10']);
    const whole = await get('/media/clip.mp4', { range: 'bytes=0-1,4-5' });
    expect([whole.status, whole.body, whole.headers['accept-ranges']]).toEqual([
      200,
      '0123456789',
      'bytes',
    ]);
  });

  it('serves a range only of the version the client has (If-Range), else the whole object', async () => {
    const { put, get } = rig();
    put('media/clip.mp4', '0123456789', 'public, max-age=31536000, immutable');
    const etag = '"10-0123456789"';
    const same = await get('/media/clip.mp4', { range: 'bytes=2-5', 'if-range': etag });
    expect([same.status, same.body]).toEqual([206, '2345']);
    const lastModified = new Date(0).toUTCString();
    const dated = await get('/media/clip.mp4', { range: 'bytes=2-5', 'if-range': lastModified });
    expect([dated.status, dated.body]).toEqual([206, '2345']);
    for (const other of ['"nope"', `W/${etag}`, new Date(1000).toUTCString(), 'not a date']) {
      const changed = await get('/media/clip.mp4', { range: 'bytes=2-5', 'if-range': other });
      expect([changed.status, changed.body, changed.headers['content-range']]).toEqual([
        200,
        '0123456789',
        undefined,
      ]);
    }
  });

  it("answers a withdrawn story's notice 410 Gone, as its object metadata says, hit or miss", async () => {
    const { put, get } = rig();
    put('articles/a.html', 'withdrawn notice', CACHE_CONTROL.page, {
      [EDGE_STATUS_METADATA]: '410',
    });
    put('articles/b.html', 'a story', CACHE_CONTROL.page, { 'content-sha256': 'x' });
    for (let i = 0; i < 2; i++) {
      const gone = await get('/articles/a.html');
      expect(gone.status).toBe(410);
      expect(gone.body).toBe('withdrawn notice');
      // The marker is the edge's business, not the reader's.
      expect(gone.headers).not.toHaveProperty(`x-amz-meta-${EDGE_STATUS_METADATA}`);
      // No validator a client could revalidate a 410 with (RFC 9110 §13.2.1: 2xx only).
      expect(gone.headers).not.toHaveProperty('etag');
      expect(gone.headers).not.toHaveProperty('last-modified');
    }
    const story = await get('/articles/b.html');
    expect(story.status).toBe(200);
    // Nor is any other object metadata (render stamps, content hashes).
    expect(Object.keys(story.headers).filter((h) => h.startsWith('x-amz-meta-'))).toEqual([]);
  });

  it("answers a moved story's old page 301 to its new address; a 301 without one stays a page", async () => {
    const { put, get } = rig();
    const to = 'https://news.example.com/articles/2026/new.html';
    put('articles/old.html', 'moved', CACHE_CONTROL.page, {
      [EDGE_STATUS_METADATA]: '301',
      [EDGE_LOCATION_METADATA]: to,
    });
    put('articles/odd.html', 'odd', CACHE_CONTROL.page, { [EDGE_STATUS_METADATA]: '301' });
    const moved = await get('/articles/old.html');
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe(to);
    expect(moved.headers).not.toHaveProperty(`x-amz-meta-${EDGE_LOCATION_METADATA}`);
    expect(moved.headers).not.toHaveProperty('etag');
    expect((await get('/articles/odd.html')).status).toBe(200);
  });

  it('keeps each kind of file for its edge lifetime, then asks the origin again', async () => {
    const { put, get, reads, clock } = rig();
    put('rss.xml', 'feed one', CACHE_CONTROL.feed);
    put('articles/a.html', 'page one', CACHE_CONTROL.page);
    expect((await get('/rss.xml')).body).toBe('feed one');
    expect((await get('/articles/a.html')).body).toBe('page one');
    put('rss.xml', 'feed two', CACHE_CONTROL.feed);
    put('articles/a.html', 'page two', CACHE_CONTROL.page);

    // Within its lifetime the edge answers from its copy, without the origin.
    const cached = await get('/rss.xml');
    expect(cached.body).toBe('feed one');
    expect(cached.headers['x-cache']).toBe('Hit from feedpub-edge');
    expect(reads).toEqual(['rss.xml', 'articles/a.html']);

    clock.now += EDGE_SECONDS.feed * 1000;
    const fresh = await get('/rss.xml');
    expect(fresh.body).toBe('feed two');
    expect(fresh.headers['x-cache']).toBe('Miss from feedpub-edge');
    expect((await get('/articles/a.html')).body).toBe('page one');

    clock.now += EDGE_SECONDS.page * 1000;
    expect((await get('/articles/a.html')).body).toBe('page two');
  });

  it('bounds every lifetime by the cache policy, old long-lived objects included', () => {
    expect(edgeSeconds(CACHE_CONTROL.feed)).toBe(EDGE_SECONDS.feed);
    expect(edgeSeconds('public, max-age=3600, must-revalidate')).toBe(EDGE_TTL.maxSeconds);
    expect(edgeSeconds('public, max-age=3600, s-maxage=7')).toBe(7);
    expect(edgeSeconds(undefined)).toBe(EDGE_TTL.defaultSeconds);
    expect(EDGE_TTL.maxSeconds).toBeLessThanOrEqual(60);
  });

  it('keeps a versioned media file a year at the edge, and a page beside it a minute at most', async () => {
    const { put, get, reads, clock } = rig();
    const image = 'media/2026/12/quay/lead.3f2a9c1b07de.jpg';
    put(image, 'jpeg one', MEDIA_CACHE_CONTROL);
    // An old long-lived page outside media/ stays bounded by the default behaviour.
    put('articles/old.html', 'page one', 'public, max-age=31536000');
    expect((await get(`/${image}`)).body).toBe('jpeg one');
    expect((await get('/articles/old.html')).body).toBe('page one');
    put(image, 'jpeg two', MEDIA_CACHE_CONTROL);
    put('articles/old.html', 'page two', 'public, max-age=31536000');

    clock.now += EDGE_TTL.maxSeconds * 1000;
    expect((await get('/articles/old.html')).body).toBe('page two');
    clock.now += 364 * 86_400 * 1000;
    const kept = await get(`/${image}`);
    expect(kept).toMatchObject({ status: 200, body: 'jpeg one' });
    expect(kept.headers['x-cache']).toBe('Hit from feedpub-edge');
    expect(kept.headers['cache-control']).toBe(MEDIA_CACHE_CONTROL);
    expect(reads.filter((key) => key === image)).toEqual([image]);

    clock.now += 86_400 * 1000;
    expect((await get(`/${image}`)).body).toBe('jpeg two');
  });

  it('applies the media cache policy by the path asked: media/* only, its own short default', async () => {
    expect(edgeTtlFor('/media/2026/12/a.3f2a9c1b07de.png')).toBe(MEDIA_EDGE_TTL);
    expect(edgeTtlFor('/media/')).toBe(MEDIA_EDGE_TTL);
    for (const uri of ['/', '/rss.xml', '/articles/media/x.jpg', '/mediakit.html', '/Media/a.jpg'])
      expect(edgeTtlFor(uri), uri).toBe(EDGE_TTL);
    expect(MEDIA_EDGE_TTL.maxSeconds).toBe(31_536_000);
    expect(edgeSeconds(MEDIA_CACHE_CONTROL, MEDIA_EDGE_TTL)).toBe(31_536_000);
    expect(edgeSeconds(MEDIA_CACHE_CONTROL)).toBe(EDGE_TTL.maxSeconds);
    // Something under media/ without a Cache-Control of ours is not kept long.
    expect(edgeSeconds(undefined, MEDIA_EDGE_TTL)).toBe(EDGE_TTL.defaultSeconds);

    const { put, get, clock } = rig();
    put('media/stray.jpg', 'stray one');
    expect((await get('/media/stray.jpg')).body).toBe('stray one');
    put('media/stray.jpg', 'stray two');
    clock.now += MEDIA_EDGE_TTL.defaultSeconds * 1000;
    expect((await get('/media/stray.jpg')).body).toBe('stray two');
  });

  it('answers a miss with the stored 404 page, kept for seconds only', async () => {
    const { put, get, clock } = rig();
    put('404.html', 'nothing here', CACHE_CONTROL.notFound);
    const missing = await get('/articles/new.html');
    expect(missing.status).toBe(404);
    expect(missing.body).toBe('nothing here');
    put('articles/new.html', 'now it exists', CACHE_CONTROL.page);
    expect((await get('/articles/new.html')).status).toBe(404);
    clock.now += EDGE_ERROR_SECONDS * 1000;
    const found = await get('/articles/new.html');
    expect(found).toMatchObject({ status: 200, body: 'now it exists' });
  });

  it('serves folder indexes and redirects a folder named without its slash, as the deployed function does', async () => {
    const { put, get } = rig();
    put('tags/index.html', 'all tags', CACHE_CONTROL.listing);
    put('index.html', 'home', CACHE_CONTROL.listing);
    expect((await get('/tags/')).body).toBe('all tags');
    expect((await get('/')).body).toBe('home');
    const redirect = await get('/tags?x=1');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/tags/');
    for (const folder of [
      '/tags/harbour',
      '/authors/ana-silva',
      '/archive/first',
      '/tags/harbour/archive/2026-01-02-0123456789',
    ]) {
      const res = await get(folder);
      expect([res.status, res.headers.location], folder).toEqual([301, `${folder}/`]);
    }
    // Any other path without a dot is no folder of the site: a 404, not a redirect to one; a
    // file in a folder is that file.
    for (const path of ['/about', '/feed', '/articles/news/wire', '/authors', '/tags/a/b'])
      expect((await get(path)).status, path).toBe(404);
    expect((await get('/tags/index.html')).body).toBe('all tags');
  });

  it('adds the security headers of the response headers policy to every answer, and CORS for browsers', async () => {
    const { put, get } = rig();
    put('feed.json', '{}', CACHE_CONTROL.feed);
    for (const res of [await get('/feed.json'), await get('/missing.html'), await get('/tags')]) {
      expect(res.headers).toMatchObject({
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'strict-origin-when-cross-origin',
      });
      expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d+; includeSubDomains$/);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
    const cors = await get('/feed.json', { origin: 'https://reader.example' });
    expect(cors.headers['access-control-allow-origin']).toBe('*');
    expect(cors.headers['access-control-expose-headers']).toBe('ETag, Last-Modified, Link');
  });

  it('compresses as CloudFront does: its types, 1,000 bytes up, Brotli first, a weak ETag; never a range', async () => {
    const objects = new Map<string, { body: string; type: string }>([
      [
        'atom.xml',
        { body: `<feed>${'<entry/>'.repeat(400)}</feed>`, type: 'application/xml; charset=utf-8' },
      ],
      ['small.html', { body: '<p>short</p>', type: 'text/html; charset=utf-8' }],
      ['media/a.jpg', { body: 'x'.repeat(5000), type: 'image/jpeg' }],
    ]);
    const edge = new EdgeModel({
      hubs: [],
      siteUrl: 'https://news.example.com/',
      readOrigin: async (key) => {
        const o = objects.get(key);
        return o && { body: new TextEncoder().encode(o.body), contentType: o.type, etag: '"abc"' };
      },
    });
    const get = (url: string, headers: Record<string, string> = {}) =>
      edge.serve({ method: 'GET', url, headers: { host: 'localhost', ...headers } });
    const both = { 'accept-encoding': 'gzip, deflate, br' };
    const br = await get('/atom.xml', both);
    expect(br.headers).toMatchObject({
      'content-encoding': 'br',
      etag: 'W/"abc"',
      // Stored as XML so that the edge compresses it; served as what it is.
      'content-type': 'application/atom+xml; charset=utf-8',
    });
    expect(brotliDecompressSync(br.body ?? new Uint8Array()).toString()).toBe(
      objects.get('atom.xml')?.body,
    );
    expect(Number(br.headers['content-length'])).toBe(br.body?.length);
    const gz = await get('/atom.xml', { 'accept-encoding': 'gzip, br;q=0' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body ?? new Uint8Array()).toString()).toBe(objects.get('atom.xml')?.body);
    // The weak ETag revalidates, and the 304 says the type the feed is served with.
    const unchanged = await get('/atom.xml', { ...both, 'if-none-match': 'W/"abc"' });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    for (const [url, headers] of [
      ['/atom.xml', {}],
      ['/atom.xml', { ...both, range: 'bytes=0-9' }],
      ['/small.html', both],
      ['/media/a.jpg', both],
    ] as const) {
      const plain = await get(url, headers);
      expect(plain.headers['content-encoding'], url).toBeUndefined();
      expect(plain.headers.etag, url).toBe('"abc"');
    }
  });

  it('answers a CORS preflight itself (a browser reader sending If-None-Match), never asking the bucket', async () => {
    const { put, edge, reads } = rig();
    put('feed.json', '{}', CACHE_CONTROL.feed);
    const res = await edge.serve({
      method: 'OPTIONS',
      url: '/feed.json',
      headers: {
        host: 'localhost',
        origin: 'https://reader.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'if-none-match',
      },
    });
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, HEAD',
      'access-control-allow-headers': '*',
      'access-control-max-age': '86400',
      'x-content-type-options': 'nosniff',
    });
    expect(reads).toEqual([]);
  });

  it('names the hubs and the feed itself in a Link header on feeds only (WebSub discovery)', async () => {
    const hubs = ['https://hub.example/', 'https://pubsubhubbub.appspot.com/'];
    const { put, get } = rig(hubs);
    for (const key of ['rss.xml', 'tags/world/atom.xml', 'authors/sam/feed.json', 'index.html'])
      put(key, key, CACHE_CONTROL.feed);
    put('articles/rss.xml', 'not a feed', CACHE_CONTROL.page);
    const link = async (url: string, headers = {}) => (await get(url, headers)).headers.link;
    const expected = (path: string) =>
      `<https://hub.example/>; rel="hub", <https://pubsubhubbub.appspot.com/>; rel="hub", <https://news.example.com${path}>; rel="self"`;
    expect(await link('/rss.xml')).toBe(expected('/rss.xml'));
    expect(await link('/tags/world/atom.xml')).toBe(expected('/tags/world/atom.xml'));
    expect(await link('/authors/sam/feed.json')).toBe(expected('/authors/sam/feed.json'));
    const etag = (await get('/rss.xml')).headers.etag;
    const notModified = await get('/rss.xml', { 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.link).toBe(expected('/rss.xml'));
    expect(await link('/index.html')).toBeUndefined();
    expect(await link('/articles/rss.xml')).toBeUndefined();
    expect(await link('/tags/gone/rss.xml')).toBeUndefined();
  });

  it("names itself in the Link header as the feed's own self link does: site path and encoding", async () => {
    const siteUrl = 'https://news.example.com/news/';
    const edge = new EdgeModel({
      hubs: [],
      siteUrl,
      readOrigin: async () => ({ body: new Uint8Array(), cacheControl: CACHE_CONTROL.feed }),
    });
    for (const path of ['tags/café/rss.xml', 'tags/a b/atom.xml']) {
      const encoded = path.split('/').map(encodeURIComponent).join('/');
      for (const url of [`/${encoded}`, `/${encoded.replace('%C3%A9', '%c3%a9')}`]) {
        const res = await edge.serve({ method: 'GET', url, headers: { host: 'cdn.example' } });
        expect(res.headers.link).toBe(`<${siteUrlOf(siteUrl, path)}>; rel="self"`);
      }
    }
  });

  it('asks the origin once for concurrent misses of one path', async () => {
    const { put, get, reads } = rig();
    put('rss.xml', 'feed', CACHE_CONTROL.feed);
    const answers = await Promise.all(Array.from({ length: 5 }, () => get('/rss.xml')));
    expect(answers.map((a) => a.body)).toEqual(Array(5).fill('feed'));
    expect(reads).toEqual(['rss.xml']);
  });
});
