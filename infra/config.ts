import type { Node } from 'constructs';
import { DEFAULT_ITEM_LIMIT, normalizeSiteUrl } from '../shared/config/site.ts';

/** What `cdk.json` context and `-c key=value` configure; validated once, at synth. */
export interface FeedpubConfig {
  /** Absolute site URL ending in '/'; undefined means "the custom domain, else the CloudFront URL". */
  readonly siteUrl: string | undefined;
  readonly domain: { readonly name: string; readonly certificateArn: string } | undefined;
  readonly itemLimit: number;
  readonly feedTitle: string;
  readonly feedDescription: string;
  readonly feedLanguage: string;
  readonly alarmEmail: string | undefined;
}

/** Every context key the app reads, with what it means (kept in step with DEPLOY-SECTION.md). */
export const CONTEXT_KEYS = [
  'siteUrl',
  'domainName',
  'certificateArn',
  'itemLimit',
  'feedTitle',
  'feedDescription',
  'feedLanguage',
  'alarmEmail',
] as const;

export const MAX_ITEM_LIMIT = 1000;

export class ConfigError extends Error {
  constructor(message: string) {
    super(`feedpub context: ${message}`);
    this.name = 'ConfigError';
  }
}

const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const US_EAST_1_CERT = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/;

/** Reads and validates the feedpub context keys; throws a ConfigError naming the bad key. */
export function readConfig(node: Node): FeedpubConfig {
  const text = (key: (typeof CONTEXT_KEYS)[number]): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new ConfigError(`${key} must be a string, got ${JSON.stringify(value)}`);
    }
    return String(value).trim() || undefined;
  };

  return {
    siteUrl: siteUrlOf(text('siteUrl')),
    domain: domainOf(text('domainName'), text('certificateArn')),
    itemLimit: itemLimitOf(text('itemLimit')),
    feedTitle: text('feedTitle') ?? 'feedpub',
    feedDescription: text('feedDescription') ?? 'Articles published with feedpub',
    feedLanguage: matching(
      'feedLanguage',
      text('feedLanguage') ?? 'en',
      LANGUAGE_TAG,
      'en or pt-BR',
    ),
    alarmEmail: optionalMatching('alarmEmail', text('alarmEmail'), EMAIL, 'ops@example.com'),
  };
}

function siteUrlOf(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    return normalizeSiteUrl(raw);
  } catch (cause) {
    throw new ConfigError(`siteUrl: ${(cause as Error).message}`);
  }
}

function itemLimitOf(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_ITEM_LIMIT;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ITEM_LIMIT) {
    throw new ConfigError(
      `itemLimit must be a whole number from 1 to ${MAX_ITEM_LIMIT}, got "${raw}"`,
    );
  }
  return limit;
}

function domainOf(
  name: string | undefined,
  certificateArn: string | undefined,
): FeedpubConfig['domain'] {
  if (name === undefined && certificateArn === undefined) return undefined;
  if (name === undefined || certificateArn === undefined) {
    throw new ConfigError('domainName and certificateArn go together: set both or neither');
  }
  return {
    name: matching('domainName', name.toLowerCase(), HOST_NAME, 'news.example.com'),
    certificateArn: matching(
      'certificateArn',
      certificateArn,
      US_EAST_1_CERT,
      'an ACM certificate in us-east-1, as CloudFront requires: arn:aws:acm:us-east-1:123456789012:certificate/…',
    ),
  };
}

function matching(key: string, value: string, pattern: RegExp, example: string): string {
  if (!pattern.test(value))
    throw new ConfigError(`${key} "${value}" is not valid (expected ${example})`);
  return value;
}

function optionalMatching(
  key: string,
  value: string | undefined,
  pattern: RegExp,
  example: string,
): string | undefined {
  return value === undefined ? undefined : matching(key, value, pattern, example);
}
