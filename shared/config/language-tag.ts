/**
 * The one language-tag rule: the site language (CDK context, environment, CLI), an article's
 * own `language` field, and what the renderers write into xml:lang, RSS <language>, JSON Feed
 * `language` and <html lang>.
 *
 * Why this shape: a primary subtag of 2–3 letters (ISO 639; the 4–8 letter forms BCP 47
 * reserves have no registered language, so "english" is a mistake, not a tag), or `x-` / `i-`
 * (private use such as x-klingon, grandfathered i- tags), then any number of 1–8 letter or
 * digit subtags. That covers en, pt-BR, zh-Hant-TW, es-419, sr-Latn, de-CH-1996, zh-yue-HK and
 * extensions (en-US-u-ca-gregory) without a registry, and every match also fits xml:lang as
 * Atom and XML Schema define it (`[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*`). It accepts everything the
 * three earlier copies all accepted, and a tag is kept as written (no case folding), so output
 * for those tags is unchanged. Subtag order (script before region…) is not checked.
 */
const LANGUAGE_TAG = /^(?:[a-z]{2,3}|[ix](?=-))(?:-[a-z0-9]{1,8})*$/i;

/** For messages: "(expected en or pt-BR)", "such as en or pt-BR". */
export const LANGUAGE_TAG_EXAMPLES = 'en or pt-BR';

export function isLanguageTag(text: string): boolean {
  return LANGUAGE_TAG.test(text);
}

/** `raw` trimmed when it is a language tag, else undefined. */
export function languageTag(raw: string | undefined): string | undefined {
  const tag = raw?.trim();
  return tag && isLanguageTag(tag) ? tag : undefined;
}
