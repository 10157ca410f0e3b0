/**
 * Deterministic article corpus: the same seed gives the same articles, byte for byte.
 * Shapes follow the article formats the parsers accept (shared/articles/); `.txt` (the wire format) has no author or date.
 */

import { prng } from '../tests/support/prng.ts';

export type ArticleFormat = 'md' | 'txt' | 'json';

export interface ArticleSpec {
  index: number;
  key: string;
  format: ArticleFormat;
  title: string;
  paragraphs: string[];
  tags: string[];
  /** `.md` and `.json` only. */
  author?: { name: string; email: string };
  /** `.md` and `.json` only; a `.txt` article is dated when first seen. */
  date?: string;
}

const SUBJECTS = [
  'energy',
  'trade',
  'health',
  'climate',
  'transport',
  'housing',
  'science',
  'farming',
  'security',
  'culture',
];
const ANGLES = ['policy', 'markets', 'research', 'courts', 'local'];
/** 50 tags: every subject with every angle. */
export const TAG_POOL: readonly string[] = SUBJECTS.flatMap((s) => ANGLES.map((a) => `${s} ${a}`));

const FIRST = ['Ana', 'Bilal', 'Chen', 'Dara', 'Emeka', 'Fatima', 'Goran', 'Hana', 'Ivo', 'Jun'];
const LAST = [
  'Silva',
  'Haddad',
  'Wei',
  'Novak',
  'Okafor',
  'Rahman',
  'Petrov',
  'Sato',
  'Kovac',
  'Park',
];
/** 10 authors. */
export const AUTHOR_POOL = FIRST.map((first, i) => ({
  name: `${first} ${LAST[i]}`,
  email: `${first.toLowerCase()}@news.example.com`,
}));

const WORDS = (
  'the government said on monday that its ministers had agreed a plan to expand ' +
  'regional programmes after weeks of talks with officials from several countries while ' +
  'analysts warned that costs could rise sharply unless new funding arrives before the ' +
  'end of the year according to figures published by the national office which also ' +
  'showed growth in exports wages prices and investment across most provinces despite ' +
  'concerns among farmers workers teachers doctors engineers and local councils'
).split(' ');

const pick = <T>(rng: () => number, list: readonly T[]): T =>
  list[Math.floor(rng() * list.length)] as T;

function sentence(rng: () => number): string {
  const length = 8 + Math.floor(rng() * 14);
  const words = Array.from({ length }, () => pick(rng, WORDS));
  const text = words.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function paragraphs(rng: () => number, targetBytes: number): string[] {
  const out: string[] = [];
  let size = 0;
  while (size < targetBytes) {
    const count = 3 + Math.floor(rng() * 5);
    const paragraph = Array.from({ length: count }, () => sentence(rng)).join(' ');
    out.push(paragraph);
    size += paragraph.length + 2;
  }
  return out;
}

const BASE_DATE = Date.parse('2025-01-01T00:00:00Z');

export interface CorpusOptions {
  seed: number;
  count: number;
  /** Object key folder below `articles/`, so runs never share ids. */
  folder: string;
  /** Index of the first article (dates and ids continue from there). */
  first?: number;
  /** Every article in this format (default: mixed). The draws stay the same either way. */
  format?: ArticleFormat;
}

/** Articles 2–20 KB, 1–5 tags from {@link TAG_POOL}, mixed .md/.txt/.json; newer as index grows. */
export function generateCorpus(options: CorpusOptions): ArticleSpec[] {
  const { seed, count, folder, first = 0 } = options;
  const rng = prng(seed);
  return Array.from({ length: count }, (_, n) => {
    const index = first + n;
    const drawn = pick(rng, ['md', 'txt', 'json'] as const);
    const format = options.format ?? drawn;
    const tags = new Set<string>();
    const tagCount = 1 + Math.floor(rng() * 5);
    while (tags.size < tagCount) tags.add(pick(rng, TAG_POOL));
    const author = pick(rng, AUTHOR_POOL);
    const body = paragraphs(rng, 2000 + Math.floor(rng() * 18_000) - 200);
    const title = `Report ${index}: ${sentence(rng).slice(0, 60).replace(/\.$/, '')}`;
    const spec: ArticleSpec = {
      index,
      key: `articles/${folder}/a${String(index).padStart(6, '0')}.${format}`,
      format,
      title,
      paragraphs: body,
      tags: [...tags],
    };
    if (format === 'txt') return spec;
    return { ...spec, author, date: new Date(BASE_DATE + index * 60_000).toISOString() };
  });
}
