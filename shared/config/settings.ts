/**
 * The site settings, each declared once: how the CDK context, the functions' environment and
 * the CLI name it, its default, and how its text is checked. infra/config.ts, config/env.ts and
 * cli/options.ts all read through here, and infra hands the values to the functions with
 * settingsEnvironment(), the inverse of reading them back.
 */

import { CLOUDFRONT_FUNCTION_MAX_BYTES, edgeRequestFunctionCode } from '../contract/edge.ts';
import { ENV } from '../contract/environment.ts';
import { parseRedirectRules, RedirectRuleError } from '../contract/redirects.ts';
import { SettingError } from './errors.ts';
import { isLanguageTag, LANGUAGE_TAG_EXAMPLES } from './language-tag.ts';
import {
  DEFAULT_ITEM_LIMIT,
  DEFAULT_WITHDRAWN_DAYS,
  FEED_CONTENT_MODES,
  normalizeSiteUrl,
  type SiteConfig,
} from './site.ts';

/** Where a setting is set: each place names it its own way. */
export type SettingOrigin = 'context' | 'env' | 'flag';

export interface Setting<T> {
  /** CDK context key (`cdk.json`, `-c key=value`). */
  readonly context: string;
  /** Environment variable the functions read (the CLI reads it too). */
  readonly env: string;
  /** Command-line flag, for the settings the CLI has one for. */
  readonly flag?: string;
  readonly help: string;
  /** Used when the setting is unset or blank; undefined: the reader decides (the site URL). */
  readonly default: T | undefined;
  /** The default of a deployed stack, where it differs (read from the CDK context). */
  readonly deployedDefault?: T;
  /** Checks trimmed text; throws a SettingError whose message starts with `where`. */
  readonly parse: (text: string, where: string) => T;
}

export type SettingName = keyof SiteConfig;

export const MAX_ITEM_LIMIT = 1000;
export const MAX_WITHDRAWN_DAYS = 365;

/** A whole number from `min` to `max`, or a SettingError naming `where`. */
function wholeNumber(text: string, where: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new SettingError(`${where} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

/**
 * Google's public WebSub hub: free, no account, run since 2009 (as PubSubHubbub), and the hub
 * WordPress's WebSub plugin names by default; Feedly, Inoreader and NewsBlur take pings
 * through any hub a feed names.
 */
export const DEFAULT_HUB = 'https://pubsubhubbub.appspot.com/';

/** An absolute http(s) URL, or a SettingError naming `where` (`notUrl`: what else to say). */
function httpSettingUrl(raw: string, where: string, notUrl: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SettingError(`${where}: "${raw}" ${notUrl}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new SettingError(`${where}: "${raw}" must use https (or http)`);
  return url;
}

/**
 * A list of hub URLs, comma- or space-separated: each an absolute http(s) URL, none twice;
 * `none` for no hub at all.
 */
function parseHubs(text: string, where: string): readonly string[] {
  const hubs: string[] = [];
  if (text.toLowerCase() === 'none') return hubs;
  for (const raw of text.split(/[\s,]+/).filter(Boolean)) {
    const url = httpSettingUrl(raw, where, `is not an absolute URL (example: ${DEFAULT_HUB})`);
    if (url.username || url.password || url.hash)
      throw new SettingError(`${where}: "${raw}" may carry no credentials and no #fragment`);
    if (hubs.includes(url.href)) throw new SettingError(`${where}: "${raw}" is named twice`);
    hubs.push(url.href);
  }
  return hubs;
}

export const SITE_SETTINGS: { readonly [K in SettingName]: Setting<SiteConfig[K]> } = {
  url: {
    context: 'siteUrl',
    env: ENV.siteUrl,
    flag: '--site-url',
    help: 'absolute base URL written into feeds and pages (a trailing / is added)',
    default: undefined,
    parse: (text, where) => {
      try {
        return normalizeSiteUrl(text);
      } catch (cause) {
        throw new SettingError(`${where}: ${(cause as Error).message}`, { cause });
      }
    },
  },
  title: {
    context: 'feedTitle',
    env: ENV.siteTitle,
    help: 'site and feed title',
    default: 'feedpub',
    parse: (text) => text,
  },
  description: {
    context: 'feedDescription',
    env: ENV.siteDescription,
    help: 'site and feed description',
    default: 'Articles published with feedpub',
    parse: (text) => text,
  },
  language: {
    context: 'feedLanguage',
    env: ENV.siteLanguage,
    help: `BCP 47 language tag of the feeds and pages, e.g. ${LANGUAGE_TAG_EXAMPLES}`,
    default: 'en',
    parse: (text, where) => {
      if (!isLanguageTag(text))
        throw new SettingError(
          `${where} "${text}" is not valid (expected ${LANGUAGE_TAG_EXAMPLES})`,
        );
      return text;
    },
  },
  itemLimit: {
    context: 'itemLimit',
    env: ENV.itemLimit,
    flag: '--item-limit',
    help: `items per feed, newest first (1–${MAX_ITEM_LIMIT}), at least: up to 150 more while none of them starts an archive page`,
    default: DEFAULT_ITEM_LIMIT,
    parse: (text, where) => wholeNumber(text, where, 1, MAX_ITEM_LIMIT),
  },
  hubs: {
    context: 'websubHubs',
    env: ENV.siteHubs,
    flag: '--hub',
    help: `WebSub hubs the feeds name and publish pings, comma-separated (deployed default: ${DEFAULT_HUB}; locally none)`,
    default: [],
    deployedDefault: [DEFAULT_HUB],
    parse: parseHubs,
  },
  feedContent: {
    context: 'feedContent',
    env: ENV.feedContent,
    help: 'what feed items carry: full (the whole story) or summary (its summary and a link)',
    default: 'full',
    parse: (text, where) => {
      const mode = FEED_CONTENT_MODES.find((m) => m === text);
      if (!mode) throw new SettingError(`${where} must be "full" or "summary", got "${text}"`);
      return mode;
    },
  },
  icon: {
    context: 'siteIcon',
    env: ENV.siteIcon,
    help: "the site's icon: an https URL, or a path on the site, of a square PNG (≥ 144 px) for feeds and pages",
    default: undefined,
    parse: (text, where) => {
      if (/[\s"<>\\]/.test(text))
        throw new SettingError(`${where}: "${text}" is not a URL or a path (example: /icon.png)`);
      if (text.startsWith('/')) return text;
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        throw new SettingError(`${where}: "${text}" is not a URL or a path (example: /icon.png)`);
      }
      // The pages' Content-Security-Policy loads images over https only (and 'self').
      if (url.protocol !== 'https:')
        throw new SettingError(
          `${where}: "${text}" must use https (pages load no http images): an https URL, or a path on the site such as /icon.png`,
        );
      return url.href;
    },
  },
  withdrawnDays: {
    context: 'withdrawnEntryDays',
    env: ENV.withdrawnDays,
    help: `days a withdrawn story stays in its Atom feeds as an RFC 6721 deleted entry (0–${MAX_WITHDRAWN_DAYS})`,
    default: DEFAULT_WITHDRAWN_DAYS,
    parse: (text, where) => wholeNumber(text, where, 0, MAX_WITHDRAWN_DAYS),
  },
  redirects: {
    context: 'redirects',
    env: ENV.siteRedirects,
    help: 'old addresses sent on with a 301, comma-separated rules "<from> <to>", e.g. "/posts/:slug/ /articles/posts/:slug.html" (README "Old addresses")',
    default: [],
    parse: (text, where) => {
      let rules: readonly string[];
      try {
        rules = parseRedirectRules(text);
      } catch (cause) {
        if (!(cause instanceof RedirectRuleError)) throw cause;
        throw new SettingError(`${where}: ${cause.message}`, { cause });
      }
      const bytes = Buffer.byteLength(edgeRequestFunctionCode(rules));
      if (bytes > CLOUDFRONT_FUNCTION_MAX_BYTES)
        throw new SettingError(
          `${where}: these rules make the edge function ${bytes} bytes; CloudFront takes ${CLOUDFRONT_FUNCTION_MAX_BYTES}: fewer or shorter rules (one rule with :names covers many addresses)`,
        );
      return rules;
    },
  },
};

/** In declaration order, which is also the order of the functions' environment variables. */
export const SETTING_NAMES = Object.keys(SITE_SETTINGS) as SettingName[];

/** Settings read from one place: each has its value or default; the site URL has no default. */
export type SiteSettings = Omit<SiteConfig, 'url'> & { readonly url: string | undefined };

/** How `origin` names the setting in messages (a setting without a flag: its context key). */
export function whereOf(name: SettingName, origin: SettingOrigin): string {
  const setting = SITE_SETTINGS[name];
  return setting[origin] ?? setting.context;
}

/** Checks a value that was given, blank or not (an empty flag is a mistake, not "default"). */
export function parseSetting<K extends SettingName>(
  name: K,
  raw: string,
  origin: SettingOrigin,
): SiteConfig[K] {
  return SITE_SETTINGS[name].parse(raw.trim(), whereOf(name, origin));
}

/**
 * A value as read from a place where unset and blank both mean "the default" (in the CDK
 * context, a deployed stack's default where the setting has one).
 */
export function readSetting<K extends SettingName>(
  name: K,
  raw: string | undefined,
  origin: SettingOrigin,
): SiteConfig[K] | undefined {
  if (raw !== undefined && raw.trim() !== '') return parseSetting(name, raw, origin);
  const setting = SITE_SETTINGS[name];
  return origin === 'context' ? (setting.deployedDefault ?? setting.default) : setting.default;
}

/**
 * Every setting from one place, `lookup` taking that place's name for it. Values in `given`
 * (flags) win and their place is not read.
 */
export function readSettings(
  origin: 'context' | 'env',
  lookup: (key: string) => string | undefined,
  given: Partial<SiteConfig> = {},
): SiteSettings {
  const values: Partial<Record<SettingName, unknown>> = {};
  for (const name of SETTING_NAMES) {
    values[name] = given[name] ?? readSetting(name, lookup(whereOf(name, origin)), origin);
  }
  return values as SiteSettings;
}

/** The environment variables that hand `site` to the functions (siteConfigFromEnv reads them). */
export function settingsEnvironment(site: SiteConfig): Record<string, string> {
  return Object.fromEntries(
    SETTING_NAMES.map((name) => {
      const value = site[name];
      const text = Array.isArray(value) ? (value.length ? value.join(',') : 'none') : value;
      return [SITE_SETTINGS[name].env, String(text ?? '')];
    }),
  );
}
