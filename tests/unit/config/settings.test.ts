import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliError } from '../../../shared/cli/errors.ts';
import {
  hubOption,
  itemLimitOption,
  siteConfig,
  siteUrlFromEnv,
  siteUrlOption,
} from '../../../shared/cli/options.ts';
import { ConfigError, siteConfigFromEnv } from '../../../shared/config/env.ts';
import {
  DEFAULT_HUB,
  readSettings,
  SETTING_NAMES,
  type SettingName,
  SITE_SETTINGS,
  settingsEnvironment,
} from '../../../shared/config/settings.ts';
import type { SiteConfig } from '../../../shared/config/site.ts';

const URL = 'https://news.example.com/';

interface Row {
  readonly name: SettingName;
  readonly context: string;
  readonly env: string;
  readonly flag?: string;
  readonly parseFlag?: (value: string) => unknown;
  readonly fallback: SiteConfig[SettingName] | undefined;
  /** What a deployed stack gets when the context leaves it unset, where that differs. */
  readonly deployedFallback?: SiteConfig[SettingName];
  /** Raw text as it would be set, and the value it gives. */
  readonly good: readonly [raw: string, value: SiteConfig[SettingName]];
  /** Raw text, and the message for it given how the setting is named where it was set. */
  readonly bad?: readonly [raw: string, message: (where: string) => string];
}

const ROWS: readonly Row[] = [
  {
    name: 'url',
    context: 'siteUrl',
    env: 'SITE_URL',
    flag: '--site-url',
    parseFlag: siteUrlOption,
    fallback: undefined,
    good: ['https://news.example.com/blog', 'https://news.example.com/blog/'],
    bad: [
      'news.example.com',
      (where) =>
        `${where}: site URL "news.example.com" is not an absolute URL (example: https://news.example.com/)`,
    ],
  },
  {
    name: 'title',
    context: 'feedTitle',
    env: 'SITE_TITLE',
    fallback: 'feedpub',
    good: [' Example News ', 'Example News'],
  },
  {
    name: 'description',
    context: 'feedDescription',
    env: 'SITE_DESCRIPTION',
    fallback: 'Articles published with feedpub',
    good: ['All the news', 'All the news'],
  },
  {
    name: 'language',
    context: 'feedLanguage',
    env: 'SITE_LANGUAGE',
    fallback: 'en',
    good: ['zh-Hant-TW', 'zh-Hant-TW'],
    bad: [
      'english please',
      (where) => `${where} "english please" is not valid (expected en or pt-BR)`,
    ],
  },
  {
    name: 'itemLimit',
    context: 'itemLimit',
    env: 'ITEM_LIMIT',
    flag: '--item-limit',
    parseFlag: itemLimitOption,
    fallback: 50,
    good: ['25', 25],
    bad: ['0', (where) => `${where} must be a whole number from 1 to 1000, got "0"`],
  },
  {
    name: 'hubs',
    context: 'websubHubs',
    env: 'SITE_WEBSUB_HUBS',
    flag: '--hub',
    parseFlag: (value) => hubOption(value, []),
    fallback: [],
    deployedFallback: [DEFAULT_HUB],
    good: [
      'https://hub.example/websub, http://127.0.0.1:9/hub',
      ['https://hub.example/websub', 'http://127.0.0.1:9/hub'],
    ],
    bad: [
      'ftp://hub.example/',
      (where) => `${where}: "ftp://hub.example/" must use https (or http)`,
    ],
  },
  {
    name: 'feedContent',
    context: 'feedContent',
    env: 'SITE_FEED_CONTENT',
    fallback: 'full',
    good: ['summary', 'summary'],
    bad: ['teaser', (where) => `${where} must be "full" or "summary", got "teaser"`],
  },
  {
    name: 'icon',
    context: 'siteIcon',
    env: 'SITE_ICON',
    fallback: undefined,
    good: [' https://cdn.example.com/icon.png ', 'https://cdn.example.com/icon.png'],
    bad: [
      'http://cdn.example.com/icon.png',
      (where) =>
        `${where}: "http://cdn.example.com/icon.png" must use https (pages load no http images): an https URL, or a path on the site such as /icon.png`,
    ],
  },
  {
    name: 'withdrawnDays',
    context: 'withdrawnEntryDays',
    env: 'SITE_WITHDRAWN_DAYS',
    fallback: 30,
    good: ['7', 7],
    bad: ['366', (where) => `${where} must be a whole number from 0 to 365, got "366"`],
  },
  {
    name: 'redirects',
    context: 'redirects',
    env: 'SITE_REDIRECTS',
    fallback: [],
    good: [
      ' /posts/:slug/  /articles/posts/:slug.html ',
      ['/posts/:slug/ /articles/posts/:slug.html'],
    ],
    bad: [
      '/posts/:slug/',
      (where) =>
        `${where}: "/posts/:slug/" is not a rule: write the old path and where it goes, separated by a space (example: /posts/:slug/ /articles/posts/:slug.html)`,
    ],
  },
];

const fromContext = (context: Record<string, string>) =>
  readSettings('context', (key) => context[key]);
/** The functions' reader; SITE_URL is required there, so every other row sets it too. */
const fromEnv = (env: Record<string, string>) => siteConfigFromEnv({ SITE_URL: URL, ...env });

function thrown(act: () => unknown): Error {
  try {
    act();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, but nothing was thrown');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the settings schema', () => {
  it('declares every SiteConfig field once, in the order the functions get them', () => {
    expect(SETTING_NAMES).toEqual(ROWS.map((row) => row.name));
  });

  describe.each(ROWS)('$name', (row) => {
    it('is named by its context key, variable and flag', () => {
      const setting = SITE_SETTINGS[row.name];
      expect([setting.context, setting.env, setting.flag]).toEqual([
        row.context,
        row.env,
        row.flag,
      ]);
      expect(setting.default).toEqual(row.fallback);
      expect(setting.help).not.toBe('');
    });

    it('defaults when unset or blank, in every place', () => {
      const deployed = row.deployedFallback ?? row.fallback;
      expect(fromContext({})[row.name]).toEqual(deployed);
      expect(fromContext({ [row.context]: '  ' })[row.name]).toEqual(deployed);
      if (row.name === 'url') return;
      expect(fromEnv({})[row.name]).toEqual(row.fallback);
      expect(fromEnv({ [row.env]: '' })[row.name]).toEqual(row.fallback);
      vi.stubEnv(row.env, ' ');
      expect(siteConfig(URL, undefined)[row.name]).toEqual(row.fallback);
    });

    it('reads a good value from context, environment and flag', () => {
      const [raw, value] = row.good;
      expect(fromContext({ [row.context]: raw })[row.name]).toEqual(value);
      expect(fromEnv({ [row.env]: raw })[row.name]).toEqual(value);
      vi.stubEnv(row.env, raw);
      if (row.name === 'url') expect(siteUrlFromEnv()).toEqual(value);
      else expect(siteConfig(URL, undefined)[row.name]).toEqual(value);
      if (row.parseFlag) expect(row.parseFlag(raw)).toEqual(value);
    });
  });

  // Title and description take any text: blank is the only "bad" value, and means the default.
  const withBadValues = ROWS.flatMap((row) => (row.bad ? [{ ...row, bad: row.bad }] : []));
  describe.each(withBadValues)('$name', (row) => {
    it('a bad value names the context key, variable or flag it came from', () => {
      const [raw, message] = row.bad;

      expect(() => fromContext({ [row.context]: raw })).toThrow(message(row.context));

      const functions = thrown(() => fromEnv({ [row.env]: raw }));
      expect(functions).toBeInstanceOf(ConfigError);
      expect(functions.message).toBe(message(row.env));

      vi.stubEnv(row.env, raw);
      const cli = thrown(() =>
        row.name === 'url' ? siteUrlFromEnv() : siteConfig(URL, undefined),
      );
      expect(cli).toBeInstanceOf(CliError);
      expect(cli.message).toBe(`${message(row.env)}: fix it, or unset it`);

      if (row.parseFlag && row.flag) {
        const flag = thrown(() => row.parseFlag?.(raw));
        expect(flag).toBeInstanceOf(CliError);
        expect(flag.message).toBe(message(row.flag));
      }
    });
  });

  it.each([['1e2'], ['+5'], ['12.5'], ['1001'], ['-1'], ['lots'], ['']])(
    'the item limit is digits only, 1 to 1000: rejects %j',
    (raw) => {
      expect(() => itemLimitOption(raw)).toThrow(
        `--item-limit must be a whole number from 1 to 1000, got "${raw}"`,
      );
    },
  );

  it('the functions require SITE_URL', () => {
    expect(() => siteConfigFromEnv({})).toThrow('environment variable SITE_URL is required');
    expect(() => siteConfigFromEnv({ SITE_URL: ' ' })).toThrow(ConfigError);
  });

  it('the CLI: flags win, and the variables they replace are not read', () => {
    vi.stubEnv('ITEM_LIMIT', 'lots');
    vi.stubEnv('SITE_URL', 'not a url');
    expect(siteConfig(URL, 20)).toMatchObject({ url: URL, itemLimit: 20 });
  });

  it('the CLI: no SITE_URL means none', () => {
    vi.stubEnv('SITE_URL', '');
    expect(siteUrlFromEnv()).toBeUndefined();
  });

  it('the environment infra hands the functions reads back as the same settings', () => {
    const site: SiteConfig = {
      url: 'https://news.example.com/blog/',
      title: 'Example News',
      description: 'All the news',
      language: 'pt-BR',
      itemLimit: 25,
      hubs: ['https://hub.example/', 'https://pubsubhubbub.appspot.com/'],
      withdrawnDays: 14,
      feedContent: 'summary',
      icon: '/media/icon.png',
      redirects: ['/posts/:slug/ /articles/posts/:slug.html', '/feed/ /rss.xml'],
    };
    const environment = settingsEnvironment(site);
    expect(environment).toEqual({
      SITE_URL: 'https://news.example.com/blog/',
      SITE_TITLE: 'Example News',
      SITE_DESCRIPTION: 'All the news',
      SITE_LANGUAGE: 'pt-BR',
      ITEM_LIMIT: '25',
      SITE_WEBSUB_HUBS: 'https://hub.example/,https://pubsubhubbub.appspot.com/',
      SITE_FEED_CONTENT: 'summary',
      SITE_ICON: '/media/icon.png',
      SITE_WITHDRAWN_DAYS: '14',
      SITE_REDIRECTS: '/posts/:slug/ /articles/posts/:slug.html,/feed/ /rss.xml',
    });
    expect(siteConfigFromEnv(environment)).toEqual(site);
    const none = settingsEnvironment({ ...site, hubs: [] });
    expect(none.SITE_WEBSUB_HUBS).toBe('none');
    expect(siteConfigFromEnv(none).hubs).toEqual([]);
  });

  it('hubs: none, repeated --hub flags, and no hub named twice', () => {
    expect(fromContext({ websubHubs: 'none' }).hubs).toEqual([]);
    expect(hubOption('https://b.example/', hubOption('https://a.example/', []))).toEqual([
      'https://a.example/',
      'https://b.example/',
    ]);
    expect(() => fromContext({ websubHubs: 'https://a.example/ https://a.example/' })).toThrow(
      'websubHubs: "https://a.example/" is named twice',
    );
    expect(() => hubOption('https://a.example/', ['https://a.example/'])).toThrow(
      '--hub: "https://a.example/" is named twice',
    );
  });
});
