import { ENV } from '../contract/environment.ts';
import { DEFAULT_ITEM_LIMIT, normalizeSiteUrl, type SiteConfig } from './site.ts';

/** Configuration problems stop a function at cold start, never halfway through an event. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function requireEnv(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '')
    throw new ConfigError(`environment variable ${name} is required`);
  return value;
}

function itemLimit(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_ITEM_LIMIT;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new ConfigError(`${ENV.itemLimit} must be a whole number from 1 to 1000, got "${raw}"`);
  }
  return limit;
}

export function siteConfigFromEnv(env: Env): SiteConfig {
  let url: string;
  try {
    url = normalizeSiteUrl(requireEnv(env, ENV.siteUrl));
  } catch (error) {
    throw error instanceof ConfigError
      ? error
      : new ConfigError(`${ENV.siteUrl}: ${(error as Error).message}`);
  }
  return {
    url,
    title: env[ENV.siteTitle] || 'feedpub',
    description: env[ENV.siteDescription] || 'Latest articles',
    language: env[ENV.siteLanguage] || 'en',
    itemLimit: itemLimit(env[ENV.itemLimit]),
  };
}
