import { SITE_TOP_LEVEL_NAMES } from './site-layout.ts';

/**
 * Old addresses sent on: a site moved here from Hugo, Jekyll or WordPress keeps the links
 * readers, search engines and other sites have to its stories. A rule is `<from> <to>`, as in
 * Netlify's `_redirects`: `/posts/:slug/ /articles/posts/:slug.html` sends `/posts/budget/` (and
 * `/posts/budget`) to `/articles/posts/budget.html` with a 301. The edge's viewer-request
 * function applies them (CloudFront, and the local edge running the same code), before anything
 * else and never to the site's own paths, the first rule that matches winning.
 *
 * - `from`: a path from the site's root; `:name` matches one path segment or part of one
 *   (`/:year/:month/:day/:title.html`), up to the first character of the text after it (`:year`
 *   in `/:year-:slug/` holds no `-`), so a long address never makes matching slow; a trailing
 *   `/` matches with or without it. Its first segment may not be one of the site's own
 *   (`articles`, `tags`, `rss.xml`…).
 * - `to`: a path of the site's own (`/articles/…`, `/rss.xml`, `/`), with the names of `from`,
 *   so no rule can lead to another rule (no chains, no loops); or an absolute https URL, names
 *   in its path only.
 */

/** What a CloudFront Function's code may hold (10 KB) leaves room for this many. */
export const MAX_REDIRECT_RULES = 50;
const MAX_RULE_LENGTH = 300;
/** Old addresses longer than this are never redirected (no link is that long). */
export const MAX_OLD_ADDRESS_LENGTH = 1024;

/** A rule after parsing: its text as normalized (`from to`) is what the settings keep. */
export interface RedirectRule {
  from: string;
  to: string;
}

const NAME = /:([A-Za-z_][A-Za-z0-9_]*)/g;
/** Characters a path may carry as they are (RFC 3986 pchar, `%` escapes and `/`). */
const PATH_CHARS = /^\/[A-Za-z0-9\-._~!$&'()*+;=:@%/]*$/;
/** Characters an https target may carry as they are (RFC 3986, no `,`: it separates rules). */
const URL_CHARS = /^https:\/\/[A-Za-z0-9\-._~!$&'()*+;=:@%/?#[\]]+$/;

export class RedirectRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedirectRuleError';
  }
}

/** The names in a path, in order. */
const namesOf = (path: string) => [...path.matchAll(NAME)].map((m) => m[1] as string);

function checkFrom(from: string, rule: string): void {
  if (!PATH_CHARS.test(from) || from.includes('//'))
    throw new RedirectRuleError(
      `"${rule}": "${from}" is not a path from the site's root (example: /posts/:slug/); no query, no #fragment, no spaces`,
    );
  if (/:[A-Za-z_][A-Za-z0-9_]*:/.test(from))
    throw new RedirectRuleError(
      `"${rule}": two names side by side in "${from}" cannot be told apart: put text between them`,
    );
  const names = namesOf(from);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) throw new RedirectRuleError(`"${rule}": ":${twice}" is named twice in "${from}"`);
  const first = from.split('/')[1] ?? '';
  if (first === '' && from !== '/')
    throw new RedirectRuleError(`"${rule}": "${from}" starts with an empty segment`);
  if (from === '/' || SITE_TOP_LEVEL_NAMES.includes(first))
    throw new RedirectRuleError(
      `"${rule}": "${from}" is the site's own address (${from === '/' ? 'its home page' : `its ${first}`}), which a redirect may not take over`,
    );
}

function checkTo(to: string, from: string, rule: string): void {
  if (/^https:\/\//.test(to)) {
    try {
      if (!URL_CHARS.test(to)) throw new Error('characters');
      new URL(to.replace(NAME, 'x'));
    } catch {
      throw new RedirectRuleError(`"${rule}": "${to}" is not a URL`);
    }
    // What a request names may go in the path only: in the host it would send readers anywhere.
    const host = to.slice('https://'.length).split('/')[0] ?? '';
    if (namesOf(host).length > 0)
      throw new RedirectRuleError(
        `"${rule}": "${to}" takes its host from the old address: names may go in its path only`,
      );
  } else if (!PATH_CHARS.test(to) || to.startsWith('//')) {
    throw new RedirectRuleError(
      `"${rule}": "${to}" is not where to send readers: a path from the site's root (/articles/…) or an https URL`,
    );
  } else if (to !== '/' && !SITE_TOP_LEVEL_NAMES.includes(to.split('/')[1] ?? '')) {
    // The site's own paths are never redirected: a rule sending readers there ends there.
    throw new RedirectRuleError(
      `"${rule}": "${to}" is none of the site's own paths (/articles/…, /tags/…, /rss.xml, /…): a redirect there could lead to another one`,
    );
  }
  const known = new Set(namesOf(from));
  const unknown = namesOf(to).find((name) => !known.has(name));
  if (unknown)
    throw new RedirectRuleError(`"${rule}": ":${unknown}" in "${to}" is not named in "${from}"`);
}

/** One rule's text (`from to`, extra spaces allowed), checked. */
export function parseRedirectRule(text: string): RedirectRule {
  const rule = text.trim();
  if (rule.length > MAX_RULE_LENGTH)
    throw new RedirectRuleError(
      `"${rule.slice(0, 40)}…" is ${rule.length} characters long; the limit is ${MAX_RULE_LENGTH}`,
    );
  const parts = rule.split(/\s+/);
  if (parts.length !== 2)
    throw new RedirectRuleError(
      `"${rule}" is not a rule: write the old path and where it goes, separated by a space (example: /posts/:slug/ /articles/posts/:slug.html)`,
    );
  const [from, to] = parts as [string, string];
  checkFrom(from, rule);
  checkTo(to, from, rule);
  return { from, to };
}

/**
 * The rules of a setting's text: comma- or newline-separated, `none` for none. Each is kept as
 * `from to`; two rules for the same addresses are refused (only the first could ever match).
 */
export function parseRedirectRules(text: string): readonly string[] {
  if (text.trim().toLowerCase() === 'none') return [];
  const rules = text
    .split(/[,\n]/)
    .map((rule) => rule.trim())
    .filter(Boolean)
    .map(parseRedirectRule);
  if (rules.length > MAX_REDIRECT_RULES)
    throw new RedirectRuleError(
      `${rules.length} rules; the limit is ${MAX_REDIRECT_RULES} (a CloudFront Function holds 10 KB): write one rule with :names for many addresses`,
    );
  // The same addresses, whatever the names are called and with or without the trailing slash:
  // the first rule would take them all.
  const shapes = rules.map((r) => r.from.replace(NAME, ':').replace(/\/$/, ''));
  const twice = shapes.findIndex((shape, i) => shapes.indexOf(shape) !== i);
  if (twice !== -1) {
    const first = rules[shapes.indexOf(shapes[twice] as string)]?.from;
    throw new RedirectRuleError(
      `"${rules[twice]?.from}" matches what "${first}" does: only the first rule would work`,
    );
  }
  return rules.map(({ from, to }) => `${from} ${to}`);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A rule as the edge function applies it: the regular expression of `from` (its names captured
 * in order), and `to` as text pieces and the 1-based numbers of the captures between them.
 */
export interface CompiledRedirect {
  pattern: string;
  to: (string | number)[];
}

/** `\`, `]`, `^` and `-` mean something inside a character class. */
const escapeClassChar = (char: string) => (/[\\\]^-]/.test(char) ? `\\${char}` : char);

/**
 * The regular expression of `from`: each name takes one or more characters up to the first
 * character of the text after it (or the segment's end), so no two ways to match exist and a
 * failing match of an address of any length takes one pass, never the backtracking a lazy
 * `([^/]+?)` does (`/:a-:b-:c/` against 2,000 dashes took a second).
 */
function compiledFrom(from: string): { pattern: string; names: string[] } {
  const trailing = from.length > 1 && from.endsWith('/');
  const pieces = (trailing ? from.slice(0, -1) : from).split(NAME);
  const body = pieces
    .map((piece, i) => {
      if (i % 2 === 0) return escapeRegExp(piece);
      const stop = pieces[i + 1]?.charAt(0) ?? '';
      return `([^/${stop === '' || stop === '/' ? '' : escapeClassChar(stop)}]+)`;
    })
    .join('');
  return { pattern: `^${body}${trailing ? '/?' : ''}$`, names: namesOf(from) };
}

export function compileRedirect(text: string): CompiledRedirect {
  const { from, to } = parseRedirectRule(text);
  const { pattern, names } = compiledFrom(from);
  const pieces: (string | number)[] = [];
  to.split(NAME).forEach((piece, i) => {
    if (i % 2 === 1) pieces.push(names.indexOf(piece) + 1);
    else if (piece !== '') pieces.push(piece);
  });
  return { pattern, to: pieces };
}
