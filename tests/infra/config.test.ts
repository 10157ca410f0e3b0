import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, ContextError, readConfig } from '../../infra/config.ts';
import { buildFeedpub, cdkJsonContext, functionId, synthFeedpub } from './synth-feedpub.ts';

// An App without outdir makes a temp dir on construction; give them all one, removed after.
const outdir = mkdtempSync(join(tmpdir(), 'feedpub-config-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const configWith = (context: Record<string, unknown>) =>
  readConfig(new App({ context, outdir }).node);

describe('context', () => {
  it('websubHubs=none: no hub, in the functions and at the edge', () => {
    expect(configWith({ websubHubs: 'none' }).hubs).toEqual([]);
  });

  it("defaults: 50 items, English, Google's public WebSub hub, no custom domain, site URL from CloudFront, no alarm e-mail", () => {
    expect(configWith({})).toEqual({
      siteUrl: undefined,
      domain: undefined,
      itemLimit: 50,
      hubs: ['https://pubsubhubbub.appspot.com/'],
      feedTitle: 'feedpub',
      feedDescription: 'Articles published with feedpub',
      feedLanguage: 'en',
      withdrawnDays: 30,
      feedContent: 'full',
      siteIcon: undefined,
      redirects: [],
      alarmEmail: undefined,
      tableWarmThroughput: undefined,
    });
  });

  it('reads the site settings from the schema and the infra-only keys itself', () => {
    expect([...CONTEXT_KEYS].sort()).toEqual([
      'alarmEmail',
      'certificateArn',
      'domainName',
      'feedContent',
      'feedDescription',
      'feedLanguage',
      'feedTitle',
      'itemLimit',
      'redirects',
      'siteIcon',
      'siteUrl',
      'tableWarmReads',
      'tableWarmWrites',
      'websubHubs',
      'withdrawnEntryDays',
    ]);
  });

  it.each(['zh-Hant-TW', 'es-419', 'sr-Latn', 'x-klingon', 'en-US-u-ca-gregory'])(
    'accepts the language tag %j as written',
    (feedLanguage) => {
      expect(configWith({ feedLanguage }).feedLanguage).toBe(feedLanguage);
    },
  );

  it('cdk.json sets only keys the app reads', () => {
    const appKeys = Object.keys(cdkJsonContext()).filter((k) => !k.includes(':'));
    expect(appKeys.every((k) => (CONTEXT_KEYS as readonly string[]).includes(k))).toBe(true);
    expect(configWith(cdkJsonContext()).itemLimit).toBe(50);
  });

  it('accepts -c strings: itemLimit=20, a site URL without trailing slash', () => {
    const config = configWith({
      itemLimit: '20',
      siteUrl: 'https://news.example.com/blog',
      feedLanguage: 'pt-BR',
    });
    expect(config).toMatchObject({
      itemLimit: 20,
      siteUrl: 'https://news.example.com/blog/',
      feedLanguage: 'pt-BR',
    });
  });

  it('reads the table warm throughput in units per second, each direction on its own', () => {
    expect(configWith({ tableWarmReads: '30000', tableWarmWrites: 10000 })).toMatchObject({
      tableWarmThroughput: { readUnitsPerSecond: 30000, writeUnitsPerSecond: 10000 },
    });
    expect(configWith({ tableWarmWrites: '4000' }).tableWarmThroughput).toEqual({
      writeUnitsPerSecond: 4000,
    });
  });

  it.each([
    [{ itemLimit: 0 }, /itemLimit must be a whole number from 1 to 1000, got "0"/],
    [{ itemLimit: '12.5' }, /itemLimit .* got "12.5"/],
    [{ itemLimit: 'lots' }, /itemLimit .* got "lots"/],
    [{ itemLimit: 5000 }, /itemLimit/],
    [{ itemLimit: '1e2' }, /itemLimit .* got "1e2"/],
    [
      { siteUrl: 'news.example.com' },
      /siteUrl: site URL "news.example.com" is not an absolute URL/,
    ],
    [{ siteUrl: 'ftp://example.com/' }, /siteUrl: .* must use http or https/],
    [{ domainName: 'news.example.com' }, /domainName and certificateArn go together/],
    [{ certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' }, /go together/],
    [
      {
        domainName: 'news.example.com',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
      },
      /certificateArn .* us-east-1/,
    ],
    [
      {
        domainName: 'not a host',
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
      },
      /domainName/,
    ],
    [{ feedLanguage: 'english please' }, /feedLanguage "english please" is not valid/],
    [{ feedLanguage: 'english' }, /feedLanguage "english" is not valid \(expected en or pt-BR\)/],
    [{ alarmEmail: 'ops' }, /alarmEmail "ops" is not valid/],
    [{ feedTitle: { nested: true } }, /feedTitle must be a string/],
    [
      { tableWarmWrites: 100 },
      /tableWarmWrites must be a whole number of write units per second, at least 4000 .*got "100"/,
    ],
    [{ tableWarmReads: 4000 }, /tableWarmReads .* at least 12000 .*got "4000"/],
    [{ tableWarmWrites: 'lots' }, /tableWarmWrites .* got "lots"/],
    [{ tableWarmWrites: '5000.5' }, /tableWarmWrites .* got "5000.5"/],
    [{ tableWarmReads: '-20000' }, /tableWarmReads .* got "-20000"/],
    [{ tableWarmReads: '2e4' }, /tableWarmReads .* got "2e4"/],
    [{ tableWarmWrites: [8000] }, /tableWarmWrites must be a string/],
    [{ websubHubs: 'hub.example' }, /websubHubs: "hub.example" is not an absolute URL/],
    [{ websubHubs: 'ftp://hub.example/' }, /websubHubs: "ftp:\/\/hub.example\/" must use https/],
    [
      { siteUrl: 'http://news.example.com/' },
      /siteUrl "http:\/\/news.example.com\/" must use https/,
    ],
    [
      { tableWarmWrite: 24000 },
      /"tableWarmWrite" is not a feedpub setting: did you mean tableWarmWrites\?/,
    ],
    [{ itemlimit: 0 }, /"itemlimit" is not a feedpub setting: did you mean itemLimit\?/],
    [{ cacheEverything: 'yes' }, /"cacheEverything" is not a feedpub setting \(the settings: /],
    [
      { redirects: '/tags/:t/ /articles/:t.html' },
      /redirects: "\/tags\/:t\/ \/articles\/:t.html": "\/tags\/:t\/" is the site's own address \(its tags\)/,
    ],
    [{ redirects: ['/a/ /b/'] }, /redirects must be a string/],
  ])('rejects %j at synth with a message naming the key', (context, message) => {
    expect(() => configWith(context)).toThrow(message);
    expect(() => configWith(context)).toThrow(/^feedpub context: /);
  });

  it("leaves CDK's own context alone: feature flags, its aws:cdk: keys and lookups", () => {
    expect(
      configWith({
        '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true,
        'aws:cdk:bundling-stacks': ['*'],
        'availability-zones:account=123456789012:region=us-east-1': ['us-east-1a'],
        'acknowledged-issue-numbers': [34892],
        'cli-telemetry': false,
        itemLimit: 20,
      }).itemLimit,
    ).toBe(20);
  });

  it('a bad value stops the whole app before any stack is built', () => {
    expect(() => buildFeedpub({ context: { itemLimit: -1 } })).toThrow(/itemLimit/);
    expect(() => buildFeedpub({ context: { tableWarmWrites: 'lots' } })).toThrow(ContextError);
    expect(() => buildFeedpub({ context: { tableWarmWrites: 'lots' } })).toThrow(/tableWarmWrites/);
  });

  it('siteUrl, title, description, language and item limit reach ingest, publish and the outputs', () => {
    const t = synthFeedpub({
      context: {
        siteUrl: 'https://news.example.com',
        feedTitle: 'Example News',
        feedDescription: 'All the news',
        feedLanguage: 'fr',
        itemLimit: '25',
        websubHubs: 'https://hub.example/websub, https://pubsubhubbub.appspot.com/',
      },
    });
    try {
      for (const name of ['ingest', 'publish']) {
        const env =
          t.service.toJSON().Resources[functionId(t.service, name)].Properties.Environment
            .Variables;
        expect(env).toMatchObject({
          SITE_URL: 'https://news.example.com/',
          SITE_TITLE: 'Example News',
          SITE_DESCRIPTION: 'All the news',
          SITE_LANGUAGE: 'fr',
          ITEM_LIMIT: '25',
          SITE_WEBSUB_HUBS: 'https://hub.example/websub,https://pubsubhubbub.appspot.com/',
        });
      }
      // The edge names the same hubs in its Link header, and the feeds' own URL as self.
      const functions = Object.values(t.service.findResources('AWS::CloudFront::Function'));
      expect(functions.map((f) => f.Properties.FunctionCode)).toContainEqual(
        expect.stringContaining(
          'var HUBS = ["https://hub.example/websub","https://pubsubhubbub.appspot.com/"];\nvar SITE = "https://news.example.com/";',
        ),
      );
      const outputs = t.service.toJSON().Outputs;
      expect(outputs.SiteUrl.Value).toBe('https://news.example.com/');
      expect(outputs.RssFeedUrl.Value).toBe('https://news.example.com/rss.xml');
      expect(outputs.AtomFeedUrl.Value).toBe('https://news.example.com/atom.xml');
      expect(outputs.JsonFeedUrl.Value).toBe('https://news.example.com/feed.json');
      expect(outputs.OpmlUrl.Value).toBe('https://news.example.com/feeds.opml');
      expect(outputs.UploadCommand.Value['Fn::Join'][1]).toEqual([
        'aws s3 cp article.md s3://',
        expect.anything(),
        '/articles/',
      ]);
      expect(outputs.InboxBucketName).toBeDefined();
    } finally {
      t.feedpub.dispose();
    }
  });
});
