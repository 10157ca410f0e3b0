/**
 * One uploaded object → one article, or an ArticleRejectedError saying why not.
 * Pure: bytes, key and site URL in; no I/O, no clock.
 */
import type { ParseResult } from './article.ts';
import { buildArticle } from './build.ts';
import { decodeArticleBytes } from './decode.ts';
import { ArticleRejectedError, MAX_PARSED_ARTICLE_BYTES, tooLargeToStore } from './errors.ts';
import type { ArticleFields } from './fields.ts';
import { parseJson } from './json.ts';
import { parseMarkdown } from './markdown.ts';
import { removeXmlForbidden } from './text.ts';
import { parseTxt } from './txt.ts';

export interface ParseInput {
  /** Decoded object key, `articles/...`. */
  key: string;
  body: Uint8Array;
  /** Absolute site URL that relative links and images resolve against. */
  siteUrl: string;
}

type FormatParser = (text: string) => { fields: ArticleFields; warnings: string[] };

const PARSERS: Readonly<Record<string, FormatParser>> = {
  '.txt': parseTxt,
  '.md': parseMarkdown,
  '.markdown': parseMarkdown,
  '.json': parseJson,
};
export const SUPPORTED_EXTENSIONS: readonly string[] = Object.keys(PARSERS);

export function parseArticle({ key, body, siteUrl }: ParseInput): ParseResult {
  const parser = parserFor(key);
  const decoded = decodeArticleBytes(body);
  const text = removeXmlForbidden(decoded.text);
  const removed = decoded.text.length - text.length;
  const parsed = parser(text);
  const built = buildArticle(parsed.fields, { siteUrl, key });
  const bytes = Buffer.byteLength(JSON.stringify(built.article));
  if (bytes > MAX_PARSED_ARTICLE_BYTES) throw tooLargeToStore(bytes, MAX_PARSED_ARTICLE_BYTES);
  return {
    article: built.article,
    warnings: [
      ...decoded.warnings,
      ...(removed > 0
        ? [`removed ${removed} control character${removed === 1 ? '' : 's'} XML does not allow`]
        : []),
      ...parsed.warnings,
      ...built.warnings,
    ],
  };
}

function parserFor(key: string): FormatParser {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot).toLowerCase() : '';
  const parser = PARSERS[extension];
  if (!parser) {
    throw new ArticleRejectedError(
      'unsupported-type',
      `"${name}" is not an article file: use ${SUPPORTED_EXTENSIONS.join(', ')}`,
    );
  }
  return parser;
}
