import { InvalidArgumentError } from 'commander';
import { DEFAULT_ITEM_LIMIT, normalizeSiteUrl, type SiteConfig } from '../config/site.ts';
import { ENV } from '../contract/environment.ts';
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

export function itemLimitOption(value: string): number {
  const limit = Number(value);
  if (!/^\d+$/.test(value) || limit < 1 || limit > 1000) {
    throw new InvalidArgumentError('expected a whole number of items from 1 to 1000');
  }
  return limit;
}

export function siteUrlOption(value: string): string {
  try {
    return normalizeSiteUrl(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** SITE_URL from the environment (what the functions read), when set. */
export function siteUrlFromEnv(): string | undefined {
  const raw = process.env[ENV.siteUrl];
  if (!raw) return undefined;
  try {
    return normalizeSiteUrl(raw);
  } catch (error) {
    throw new CliError(`${ENV.siteUrl}: ${(error as Error).message}: fix it, or unset it`);
  }
}

/** Title, description and language come from the same variables the functions read. */
export function siteConfig(url: string, itemLimit: number | undefined): SiteConfig {
  return {
    url,
    title: process.env[ENV.siteTitle] || 'feedpub',
    description: process.env[ENV.siteDescription] || 'Latest articles',
    language: process.env[ENV.siteLanguage] || 'en',
    itemLimit: itemLimit ?? DEFAULT_ITEM_LIMIT,
  };
}
