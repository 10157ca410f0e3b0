import type { Node } from 'constructs';
import { CONTEXT_KEYS, unknownContextKey } from '../shared/config/context-keys.ts';
import { SettingError } from '../shared/config/errors.ts';
import { readSettings } from '../shared/config/settings.ts';
import { DEFAULT_WITHDRAWN_DAYS, type FeedContent } from '../shared/config/site.ts';

export { MAX_ITEM_LIMIT } from '../shared/config/settings.ts';

/** What `cdk.json` context and `-c key=value` configure; validated once, at synth. */
export interface FeedpubConfig {
  /** Absolute site URL ending in '/'; undefined means "the custom domain, else the CloudFront URL". */
  readonly siteUrl: string | undefined;
  readonly domain: { readonly name: string; readonly certificateArn: string } | undefined;
  readonly itemLimit: number;
  /** WebSub hubs (`websubHubs`; unset: Google's public hub, `none`: no hub). */
  readonly hubs: readonly string[];
  readonly feedTitle: string;
  readonly feedDescription: string;
  readonly feedLanguage: string;
  /** Days a withdrawn story stays in Atom feeds as a deleted entry (`withdrawnEntryDays`). */
  readonly withdrawnDays: number;
  /** What feed items carry (`feedContent`: full or summary). */
  readonly feedContent: FeedContent;
  /** The site's icon (`siteIcon`), if set. */
  readonly siteIcon: string | undefined;
  /** Old addresses the edge sends on (`redirects`: rules `from to`). */
  readonly redirects: readonly string[];
  readonly alarmEmail: string | undefined;
  /**
   * Throughput the table can take at once, set ahead of a known peak (a bulk import, an
   * election night); undefined leaves DynamoDB's own (and its cost) alone.
   */
  readonly tableWarmThroughput: TableWarmThroughput | undefined;
}

/** Units per second, as CDK's Table `warmThroughput` takes them. */
export interface TableWarmThroughput {
  readonly readUnitsPerSecond?: number;
  readonly writeUnitsPerSecond?: number;
}

/** What a new on-demand table starts with: a smaller warm throughput would buy nothing. */
export const ON_DEMAND_WARM = { reads: 12_000, writes: 4_000 } as const;

export { CONTEXT_KEYS };

/** A bad `cdk.json` context or `-c key=value`: synth stops with the key named. */
export class ContextError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`feedpub context: ${message}`, options);
    this.name = 'ContextError';
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const US_EAST_1_CERT = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/;

/** Reads and validates the feedpub context keys; throws a ContextError naming the bad key. */
export function readConfig(node: Node): FeedpubConfig {
  const text = (key: string): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new ContextError(`${key} must be a string, got ${JSON.stringify(value)}`);
    }
    return String(value).trim() || undefined;
  };

  refuseUnknownKeys(node);
  const site = siteSettingsOf(text);
  if (site.url?.startsWith('http:'))
    throw new ContextError(
      `siteUrl "${site.url}" must use https: the distribution answers https only (http is redirected), so every link in the feeds would go through a redirect`,
    );
  return {
    siteUrl: site.url,
    domain: domainOf(text('domainName'), text('certificateArn')),
    itemLimit: site.itemLimit,
    hubs: site.hubs ?? [],
    feedTitle: site.title,
    feedDescription: site.description,
    feedLanguage: site.language,
    withdrawnDays: site.withdrawnDays ?? DEFAULT_WITHDRAWN_DAYS,
    feedContent: site.feedContent ?? 'full',
    siteIcon: site.icon,
    redirects: site.redirects ?? [],
    alarmEmail: optionalMatching('alarmEmail', text('alarmEmail'), EMAIL, 'ops@example.com'),
    tableWarmThroughput: warmThroughputOf(
      unitsPerSecond('tableWarmReads', text('tableWarmReads'), ON_DEMAND_WARM.reads, 'read'),
      unitsPerSecond('tableWarmWrites', text('tableWarmWrites'), ON_DEMAND_WARM.writes, 'write'),
    ),
  };
}

/** A context key that is none of ours stops the synth (unknownContextKey). */
function refuseUnknownKeys(node: Node): void {
  const problem = unknownContextKey(Object.keys(node.getAllContext() as Record<string, unknown>));
  if (problem) throw new ContextError(problem);
}

function warmThroughputOf(
  readUnitsPerSecond: number | undefined,
  writeUnitsPerSecond: number | undefined,
): TableWarmThroughput | undefined {
  if (readUnitsPerSecond === undefined && writeUnitsPerSecond === undefined) return undefined;
  return {
    ...(readUnitsPerSecond !== undefined && { readUnitsPerSecond }),
    ...(writeUnitsPerSecond !== undefined && { writeUnitsPerSecond }),
  };
}

/** No upper bound here: the ceiling is the account's per-table quota, which can be raised. */
function unitsPerSecond(
  key: string,
  value: string | undefined,
  minimum: number,
  kind: 'read' | 'write',
): number | undefined {
  if (value === undefined) return undefined;
  const units = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(units) || units < minimum) {
    throw new ContextError(
      `${key} must be a whole number of ${kind} units per second, at least ${minimum} (what a new on-demand table already has), got "${value}"`,
    );
  }
  return units;
}

function siteSettingsOf(text: (key: string) => string | undefined) {
  try {
    return readSettings('context', text);
  } catch (error) {
    throw error instanceof SettingError ? new ContextError(error.message, { cause: error }) : error;
  }
}

function domainOf(
  name: string | undefined,
  certificateArn: string | undefined,
): FeedpubConfig['domain'] {
  if (name === undefined && certificateArn === undefined) return undefined;
  if (name === undefined || certificateArn === undefined) {
    throw new ContextError('domainName and certificateArn go together: set both or neither');
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
    throw new ContextError(`${key} "${value}" is not valid (expected ${example})`);
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
