import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { unknownContextKey } from '../config/context-keys.ts';
import { SettingError } from '../config/errors.ts';
import {
  parseSetting,
  readSetting,
  readSettings,
  SETTING_NAMES,
  type SettingName,
  SITE_SETTINGS,
} from '../config/settings.ts';
import type { SiteConfig } from '../config/site.ts';
import { CliError } from './errors.ts';

/** Option parsers and the site configuration the commands share. */

/** Where `feedpub dev` keeps its state between runs (and the operator commands find it). */
export const DEFAULT_DATA_DIR = '.feedpub';
export const DEFAULT_HTTP_PORT = 8787;
/** s3rver's own default, kept stable so a pasted `aws s3 cp --endpoint-url` keeps working. */
export const DEFAULT_S3_PORT = 4568;
/** For `build` and `validate` when no --site-url (nor SITE_URL) is given: a reserved name. */
export const PLACEHOLDER_SITE_URL = 'https://example.invalid/';

export function portOption(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError('expected a port number from 0 (any free port) to 65535');
  }
  return port;
}

/** --item-limit; a bad value is one `feedpub: --item-limit …` line, like a bad variable. */
export function itemLimitOption(value: string): number {
  return fromFlag(() => parseSetting('itemLimit', value, 'flag'));
}

/** --hub, repeatable: each adds its hubs to the ones before. */
export function hubOption(value: string, previous: readonly string[] = []): readonly string[] {
  const hubs = fromFlag(() => parseSetting('hubs', value, 'flag')) ?? [];
  const twice = hubs.find((hub) => previous.includes(hub));
  if (twice) throw new CliError(`--hub: "${twice}" is named twice`);
  return [...previous, ...hubs];
}

export function siteUrlOption(value: string): string {
  return fromFlag(() => parseSetting('url', value, 'flag'));
}

/**
 * The site settings of `cdk.json` in the working folder (its `context`, where the CDK app reads
 * them: one configuration for the deployed stack and the CLI). Keys as the CDK app names them
 * (`feedTitle`, `itemLimit`, …); none when there is no such file.
 */
export function contextSettings(folder = process.cwd()): (key: string) => string | undefined {
  const path = join(folder, 'cdk.json');
  if (!existsSync(path)) return () => undefined;
  let context: Record<string, unknown>;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { context?: unknown };
    context = (parsed.context ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(`${path} is not valid JSON (${(error as Error).message}): fix it`, {
      cause: error,
    });
  }
  // A misspelled key stops the CLI as it stops the CDK app: silently, it would be the default.
  const unknown = unknownContextKey(Object.keys(context));
  if (unknown) throw new CliError(`cdk.json context: ${unknown}`);
  return (key) => {
    const value = context[key];
    if (value === undefined || value === null) return undefined;
    return Array.isArray(value) ? value.join(',') : String(value);
  };
}

/** A setting from cdk.json's context, when set there (never a deployed-only default). */
function fromContext<K extends SettingName>(
  name: K,
  context: (key: string) => string | undefined,
): SiteConfig[K] | undefined {
  const raw = context(SITE_SETTINGS[name].context);
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    return parseSetting(name, raw, 'context');
  } catch (error) {
    throw error instanceof SettingError
      ? new CliError(`cdk.json context ${error.message}: fix it, or remove it`, { cause: error })
      : error;
  }
}

/** SITE_URL from the environment (what the functions read), when set. */
export function siteUrlFromEnv(): string | undefined {
  return fromEnv(() => readSetting('url', process.env[SITE_SETTINGS.url.env], 'env'));
}

/** For a site that will be served from there (`build`, `validate`): SITE_URL, else cdk.json's. */
export function deployedSiteUrl(context = contextSettings()): string | undefined {
  return siteUrlFromEnv() ?? fromContext('url', context);
}

/**
 * Where a site is served from, and whom it tells of changes, belong to a deployment: `dev`,
 * serving on this machine, takes neither from cdk.json (a hub cannot fetch a local feed).
 */
const DEPLOYMENT_SETTINGS: readonly SettingName[] = ['url', 'hubs'];

/**
 * Every site setting, each from the first place that sets it: a flag, the environment variable
 * the functions read, `cdk.json`'s context (as the CDK app reads it), else the schema's
 * default. So `feedpub dev` shows the site the stack deploys (`deployed: false`: its own URL
 * and no hubs, see DEPLOYMENT_SETTINGS).
 */
export function siteConfig(
  url: string,
  itemLimit: number | undefined,
  hubs?: readonly string[],
  { deployed = true, context = contextSettings() } = {},
): SiteConfig {
  const given: Partial<SiteConfig> = { url, itemLimit, hubs };
  for (const name of SETTING_NAMES) {
    if (!deployed && DEPLOYMENT_SETTINGS.includes(name)) continue;
    const raw = process.env[SITE_SETTINGS[name].env];
    if (given[name] === undefined && (raw === undefined || raw.trim() === ''))
      (given as Record<string, unknown>)[name] = fromContext(name, context);
  }
  const settings = fromEnv(() => readSettings('env', (name) => process.env[name], given));
  return { ...settings, url };
}

function fromFlag<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw error instanceof SettingError ? new CliError(error.message, { cause: error }) : error;
  }
}

function fromEnv<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw error instanceof SettingError
      ? new CliError(`${error.message}: fix it, or unset it`, { cause: error })
      : error;
  }
}
