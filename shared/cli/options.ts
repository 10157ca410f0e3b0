import { InvalidArgumentError } from 'commander';
import { SettingError } from '../config/errors.ts';
import { parseSetting, readSetting, readSettings, SITE_SETTINGS } from '../config/settings.ts';
import type { SiteConfig } from '../config/site.ts';
import { CliError } from './errors.ts';

/** Option parsers and the site configuration the commands share. */

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

/** SITE_URL from the environment (what the functions read), when set. */
export function siteUrlFromEnv(): string | undefined {
  return fromEnv(() => readSetting('url', process.env[SITE_SETTINGS.url.env], 'env'));
}

/**
 * Title, description and language come from the same variables the functions read, as does
 * the item limit when no flag gives one; unset or blank means the schema's default.
 */
export function siteConfig(
  url: string,
  itemLimit: number | undefined,
  hubs?: readonly string[],
): SiteConfig {
  const fromVariables = fromEnv(() =>
    readSettings('env', (name) => process.env[name], { url, itemLimit, hubs }),
  );
  return { ...fromVariables, url };
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
