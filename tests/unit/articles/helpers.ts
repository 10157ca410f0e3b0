import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParsedArticle } from '../../../shared/articles/article.ts';
import { ArticleRejectedError } from '../../../shared/articles/errors.ts';
import { MAX_TAGS } from '../../../shared/articles/labels.ts';
import { isSafeId } from '../../../shared/articles/object-key.ts';

export const SITE = 'https://news.example.com/';
export const FIXTURES = fileURLToPath(new URL('../../fixtures/articles/', import.meta.url));

export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

export function corpusFiles(): string[] {
  return readdirSync(join(FIXTURES, 'corpus')).sort();
}

/** Runs `act`, which must throw an ArticleRejectedError; returns it. */
export function rejectionOf(act: () => unknown): ArticleRejectedError {
  try {
    act();
  } catch (error) {
    if (error instanceof ArticleRejectedError) return error;
    throw error;
  }
  throw new Error('expected an ArticleRejectedError, but nothing was thrown');
}

// An independent statement of what safe output looks like (not imported from sanitize.ts,
// so a mistake there cannot hide here).
const SAFE_TAGS: Record<string, string[]> = Object.fromEntries(
  [
    ...[
      'p',
      'br',
      'hr',
      'h1',
      'h2',
      'h3',
      'h4',
      'h5',
      'h6',
      'div',
      'span',
      'ul',
      'li',
      'dl',
      'dt',
      'dd',
    ],
    ...[
      'blockquote',
      'pre',
      'code',
      'kbd',
      'samp',
      'em',
      'strong',
      'b',
      'i',
      'u',
      's',
      'del',
      'ins',
    ],
    ...['sub', 'sup', 'small', 'mark', 'q', 'cite', 'figure', 'figcaption', 'table', 'caption'],
    ...['thead', 'tbody', 'tfoot', 'tr', 'details', 'summary', 'bdi', 'bdo'],
  ].map((tag) => [tag, []]),
);
Object.assign(SAFE_TAGS, {
  a: ['href', 'title', 'rel'],
  img: ['src', 'alt', 'title', 'width', 'height', 'loading'],
  // Players of a file, with their controls: no autoplay, no handlers; their files in other
  // formats as <source> children.
  audio: ['src', 'controls', 'preload', 'loop', 'muted', 'aria-label', 'crossorigin'],
  video: [
    'aria-label',
    'crossorigin',
    'src',
    'poster',
    'controls',
    'preload',
    'loop',
    'muted',
    'playsinline',
    'width',
    'height',
  ],
  source: ['src', 'type'],
  track: ['src', 'kind', 'srclang', 'label', 'default'],
  abbr: ['title'],
  time: ['datetime'],
  ol: ['start'],
  th: ['colspan', 'rowspan', 'scope'],
  td: ['colspan', 'rowspan'],
});
const TAG = /<\/?([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-z-]+="[^"<>]*")*)\s*\/?>/g;
const ATTRIBUTE = /\s+([a-z-]+)="([^"<>]*)"/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting them is the point
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/u;
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/;

/** Every reason `html` would not be safe in a feed; empty when it is. */
export function htmlSafetyProblems(html: string): string[] {
  const problems: string[] = [];
  if (XML_FORBIDDEN.test(html) || !html.isWellFormed()) problems.push('character XML forbids');
  if (html.includes(']]>')) problems.push('raw ]]>');
  if (/&(?!(?:amp|lt|gt|quot|#\d+|#x[0-9a-f]+);)/i.test(html)) problems.push('bare &');
  for (const match of html.matchAll(TAG)) {
    const [, tag = '', attributes = ''] = match;
    const allowed = SAFE_TAGS[tag];
    if (!allowed) {
      problems.push(`tag <${tag}>`);
      continue;
    }
    for (const [, name = '', raw = ''] of attributes.matchAll(ATTRIBUTE)) {
      if (!allowed.includes(name) && name !== 'dir' && name !== 'lang' && name !== 'id')
        problems.push(`attribute ${tag}.${name}`);
      // A name of letters, digits and `_.:-` (any script): no space, quote or markup in it.
      if (name === 'id' && !/^[\p{L}\p{N}_][\p{L}\p{M}\p{N}_.:-]{0,99}$/u.test(raw))
        problems.push(`id "${raw}"`);
      const value = raw
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
      if (
        (name === 'href' || name === 'src' || name === 'poster') &&
        !/^(?:https?:\/\/[^\s/]+\/|mailto:)/i.test(value)
      ) {
        problems.push(`url ${tag}.${name}="${value}"`);
      }
      if ((name === 'src' || name === 'poster') && !/^https?:/i.test(value))
        problems.push(`image url ${value}`);
      if (name === 'controls' && value !== 'controls') problems.push(`${tag} without controls`);
      if (name === 'type' && !/^(?:audio|video|application)\/[\w.+-]+(?:;[^<>]*)?$/.test(value))
        problems.push(`media type "${value}"`);
      if (
        (name === 'href' || name === 'src') &&
        !['http:', 'https:', 'mailto:'].includes(protocolOf(value))
      ) {
        problems.push(`scheme of ${value}`);
      }
    }
  }
  const rest = html.replace(TAG, '');
  if (/[<>]/.test(rest))
    problems.push(
      `markup outside tags: ${rest.slice(Math.max(0, rest.search(/[<>]/) - 20), rest.search(/[<>]/) + 20)}`,
    );
  return problems;
}

function protocolOf(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return 'unparseable';
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Every way a parsed article breaks the promises ParsedArticle makes; empty when none. */
export function articleProblems(article: ParsedArticle): string[] {
  const problems = htmlSafetyProblems(article.contentHtml).map((p) => `contentHtml: ${p}`);
  const plain = (name: string, value: string, max: number) => {
    if (value.length > max) problems.push(`${name} longer than ${max}`);
    if (XML_FORBIDDEN.test(value) || /[\u007f-\u009f]/.test(value) || !value.isWellFormed()) {
      problems.push(`${name} has a forbidden character`);
    }
    if (value !== value.trim() || /\s{2}|\n/.test(value))
      problems.push(`${name} is not one clean line`);
  };
  if (article.title === '') problems.push('empty title');
  plain('title', article.title, 200);
  if (BIDI_CONTROLS.test(article.title)) problems.push('title has bidi controls');
  plain('summary', article.summary, 1000);
  if (article.tags.length > MAX_TAGS) problems.push(`more than ${MAX_TAGS} tags`);
  if (article.authors.length > 10) problems.push('more than 10 authors');
  for (const label of [...article.tags, ...article.authors]) {
    plain(`label ${label.name}`, label.name, 100);
    if (
      label.name === '' ||
      !isSafeId(label.slug) ||
      label.slug.includes('/') ||
      label.slug.length > 80
    ) {
      problems.push(`bad label ${JSON.stringify(label)}`);
    }
  }
  if (new Set(article.tags.map((t) => t.slug)).size !== article.tags.length)
    problems.push('duplicate tag slugs');
  for (const author of article.authors) {
    if (author.email !== undefined && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(author.email))
      problems.push('bad email');
    if (author.url !== undefined && !/^https?:\/\//.test(author.url))
      problems.push('bad author url');
  }
  for (const url of [article.image, article.link]) {
    if (url !== undefined && !/^https?:\/\/[^\s/]+\//.test(url)) problems.push(`bad url ${url}`);
  }
  if (article.id !== undefined && !isSafeId(article.id)) problems.push(`unsafe id ${article.id}`);
  for (const date of [article.date, article.updated]) {
    if (date !== undefined && !ISO.test(date)) problems.push(`bad date ${date}`);
  }
  return problems;
}
