/**
 * The fields an article file may set (Markdown front matter, JSON), as one zod schema,
 * and the plain shape every format parser hands to the article builder.
 */
import * as z from 'zod/mini';
import { nearestName } from '../config/nearest-name.ts';
import { DATE_EXAMPLES, isBeforeYears, isZoneless, parseFileDate, YEARS } from './dates.ts';
import { type AuthorInput, parseAuthorString, splitTagList } from './labels.ts';
import { quote } from './text.ts';
import './zod-messages.ts';

/** What a format parser extracted, before cleaning: the builder makes it an article. */
export interface ArticleFields {
  /** Plain text (formats that allow markup in titles convert it first). */
  title: string;
  /** Unsanitized HTML. */
  html: string;
  /** Plain text. */
  summary?: string;
  id?: string;
  /** ISO UTC. */
  date?: string;
  updated?: string;
  authors: AuthorInput[];
  tags: string[];
  image?: string;
  /** Plain text about the lead image: its alt text, caption and credit. */
  imageAlt?: string;
  imageCaption?: string;
  imageCredit?: string;
  link?: string;
  draft: boolean;
  language?: string;
  /** `status: withdrawn`: the story is taken down (see Article.withdrawn). */
  withdrawn?: boolean;
  /** Plain text: why it was withdrawn, shown on its notice. */
  note?: string;
  /** Plain text: the newest correction, logged with the date it first appears. */
  correction?: string;
  /** An edit too small to tell readers about: `updated` stays. */
  minor?: boolean;
  /** ISO UTC: when the story is withdrawn by the release schedule. */
  expires?: string;
  /** What this story's feed items carry, instead of the site's setting. */
  feedContent?: 'full' | 'summary';
}

/** The lifecycle states a file may set; `published` is the default. */
export const FILE_STATUSES = ['published', 'draft', 'withdrawn'] as const;

const MAX_LISTED_FIELDS = 10;
/**
 * Longest tag or author list read: an article keeps 12 tags and 5 authors, and cleaning
 * each name costs ~2 µs, so 500,000 (`tags: ",,,,…"`) would take a second.
 */
export const MAX_LABEL_LIST_LENGTH = 1000;
const atMost = (what: string) => ({
  error: (issue: { input?: unknown }) =>
    `${Array.isArray(issue.input) ? issue.input.length : 'too many'} ${what}; at most ${MAX_LABEL_LIST_LENGTH} are read`,
});
const expected = (what: string) => ({
  error: (issue: { input?: unknown }) => `expected ${what}, got ${describe(issue.input)}`,
});
const text = z.nullish(z.string(expected('a string')));
/** One of `values` (`expected "a", "b" or "c", got "d"`). */
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => {
  const quoted = values.map((v) => `"${v}"`);
  const listed = `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
  return z.nullish(
    z.enum(values, {
      error: (issue: { input?: unknown }) =>
        `expected ${listed}, got ${typeof issue.input === 'string' ? quote(issue.input) : describe(issue.input)}`,
    }),
  );
};
const date = z.nullish(
  z.pipe(
    z.union([z.string(), z.date()], expected(`a date like ${DATE_EXAMPLES}`)),
    z.transform((value: string | Date, ctx) => {
      const iso = parseFileDate(value);
      if (iso !== undefined) return iso;
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: isBeforeYears(value)
          ? `${quote(String(value))}: only years ${YEARS} are dates here (a typo?)`
          : `${quote(String(value))} is not a date; use ${DATE_EXAMPLES}`,
      });
      return z.NEVER;
    }),
  ),
);
/** Full zod's `preprocess`: `prepare` runs on the raw value, `schema` checks what it returns. */
const preprocess = <T extends z.core.$ZodType<unknown, unknown>>(
  prepare: (value: unknown) => unknown,
  schema: T,
) => z.pipe(z.transform(prepare), schema);
/**
 * A tag as written: a number (`2026`) as its digits; one JavaScript would only write in
 * exponent form (`123456789012345678901234567890` is `1.2345678901234568e+29`) is not what the
 * editor wrote, and is refused as not a string.
 */
const tagName = preprocess(
  (value) =>
    typeof value === 'number' && Number.isFinite(value) && !/e/i.test(String(value))
      ? String(value)
      : value,
  z.string(expected('a string')),
);
const tags = z.nullish(
  preprocess(
    (value) => (typeof value === 'string' ? splitTagList(value) : value),
    z
      .array(tagName, expected('a list of tags or a comma-separated string'))
      .check(z.maxLength(MAX_LABEL_LIST_LENGTH, atMost('tags'))),
  ),
);
const author = preprocess(
  (value) => (typeof value === 'string' ? parseAuthorString(value) : value),
  z.object(
    { name: text, email: text, url: text },
    expected('"Name <email>" or an object with name, email, url'),
  ),
);
// One author or a list; a single one is validated as a list of one (see formatFieldPath).
const authors = z.nullish(
  preprocess(
    (value) => (value == null || Array.isArray(value) ? value : [value]),
    z.array(author).check(z.maxLength(MAX_LABEL_LIST_LENGTH, atMost('authors'))),
  ),
);

export const articleFieldsSchema = z.object({
  id: text,
  title: text,
  date,
  updated: date,
  author: authors,
  authors,
  tags,
  // Hugo's and Jekyll's other taxonomy: a category is a tag here (one feed each).
  categories: tags,
  summary: text,
  image: text,
  image_alt: text,
  image_caption: text,
  image_credit: text,
  link: text,
  canonical: text,
  draft: z.nullish(z.boolean(expected('true or false'))),
  // Jekyll's (and its importers'): `published: false` is a post not to publish. Anything else
  // (an ActivityStreams date, say) is not refused for it: fieldsFromFile warns.
  published: z.optional(z.unknown()),
  language: text,
  status: oneOf(FILE_STATUSES),
  note: text,
  correction: text,
  minor: z.nullish(z.boolean(expected('true or false'))),
  expires: date,
  feedContent: oneOf(['full', 'summary'] as const),
});

export type FileFields = z.output<typeof articleFieldsSchema>;

/** The first problem zod found, as `field "tags[2]": expected a string, got an object`. */
export interface FieldProblem {
  path: PropertyKey[];
  message: string;
}

export function firstFieldProblem(error: z.core.$ZodError, input: unknown): FieldProblem {
  const issue = error.issues[0];
  const path = issue?.path ?? [];
  const where = path.length > 0 ? `field "${formatFieldPath(path, input)}"` : 'the file';
  return { path, message: `${where}: ${issue?.message ?? 'is not valid'}` };
}

/**
 * `['tags', 2]` → `tags[2]`; `['author', 0, 'name']` → `author.name` when `author` was a
 * single object (the schema wrapped it in a list), so the path matches the file.
 */
export function formatFieldPath(path: readonly PropertyKey[], input: unknown): string {
  let out = '';
  let value: unknown = input;
  for (const segment of path) {
    const container = value;
    if (typeof segment === 'number') {
      if (Array.isArray(container)) out += `[${segment}]`;
      value = Array.isArray(container) ? container[segment] : container;
      continue;
    }
    out += out === '' ? String(segment) : `.${String(segment)}`;
    value = isRecord(container) ? container[String(segment)] : undefined;
  }
  return out;
}

/**
 * Fields of other tools that feedpub has its own way for: what the warning says instead of a
 * near name.
 */
const ONE_BY_ONE =
  'a story\'s old addresses are not redirected one by one: the site\'s redirects setting sends whole patterns of them on (README "Old addresses")';
const OTHER_TOOLS_FIELDS: ReadonlyMap<string, string> = new Map([
  ['aliases', ONE_BY_ONE],
  ['redirect_from', ONE_BY_ONE],
]);

/** Warnings for keys the schema does not know (typos such as `Title` or `tag`). */
export function unknownFieldWarnings(
  data: Record<string, unknown>,
  known: readonly string[],
): string[] {
  const unknown = Object.keys(data).filter((key) => !known.includes(key));
  const listed = unknown.slice(0, MAX_LISTED_FIELDS).map((key) => {
    const elsewhere = OTHER_TOOLS_FIELDS.get(key);
    if (elsewhere !== undefined) return `ignored field ${quote(key)}: ${elsewhere}`;
    const meant = nearestName(key, known);
    return `ignored unknown field ${quote(key)}${meant ? ` (did you mean ${quote(meant)}?)` : ''}`;
  });
  const more = unknown.length - MAX_LISTED_FIELDS;
  return more > 0 ? [...listed, `ignored ${more} more unknown fields`] : listed;
}

/**
 * The field of the file that was most likely meant to be `field` (`titel`, `Title`), said
 * where a missing field rejects it: its warning would go with the rejection.
 */
export function misspelled(
  data: Record<string, unknown>,
  known: readonly string[],
  field: string,
): string | undefined {
  // The first keys only: a misspelling is among an editor's few, not past a thousand.
  return Object.keys(data)
    .filter((key) => !known.includes(key))
    .slice(0, MAX_LISTED_FIELDS)
    .find((key) => nearestName(key, known) === field);
}

/**
 * A warning for each date field with a time of day but no zone (`2020-06-01 14:30:00`, as
 * WordPress exports its site-local times): it is read as UTC, which may be hours off.
 */
export function zonelessDateWarnings(data: Record<string, unknown>): string[] {
  return (['date', 'updated', 'expires'] as const)
    .filter((field) => isZoneless(data[field]))
    .map(
      (field) =>
        `${quote(field)} (${quote(String(data[field]).trim())}) has no time zone: read as UTC; add Z or the offset it was written in (+02:00)`,
    );
}

/** Merges the schema's output into the builder's shape; `link` wins over `canonical`. */
export function fieldsFromFile(
  data: FileFields,
  body: { title: string; html: string; summary?: string },
): { fields: ArticleFields; warnings: string[] } {
  const warnings: string[] = [];
  if (data.link && data.canonical && data.link !== data.canonical) {
    warnings.push('both "link" and "canonical" are set; used "link"');
  }
  if (data.published != null && typeof data.published !== 'boolean')
    warnings.push(
      `ignored "published" (${describe(data.published)}): only published: false means something here (a draft)`,
    );
  const fields: ArticleFields = {
    ...body,
    authors: [...(data.author ?? []), ...(data.authors ?? [])],
    tags: [...(data.tags ?? []), ...(data.categories ?? [])],
    draft: data.draft === true || data.status === 'draft' || data.published === false,
  };
  if (data.status === 'withdrawn') fields.withdrawn = true;
  if (data.note != null) fields.note = data.note;
  if (data.correction != null) fields.correction = data.correction;
  if (data.minor === true) fields.minor = true;
  if (data.expires != null) fields.expires = data.expires;
  if (data.feedContent != null) fields.feedContent = data.feedContent;
  const link = data.link ?? data.canonical;
  if (link != null) fields.link = link;
  if (data.id != null) fields.id = data.id;
  if (data.date != null) fields.date = data.date;
  if (data.updated != null) fields.updated = data.updated;
  if (data.image != null) fields.image = data.image;
  if (data.image_alt != null) fields.imageAlt = data.image_alt;
  if (data.image_caption != null) fields.imageCaption = data.image_caption;
  if (data.image_credit != null) fields.imageCredit = data.image_credit;
  if (data.language != null) fields.language = data.language;
  return { fields, warnings };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
  );
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  return `${typeof value} ${String(value)}`;
}
