import type { Op } from './reliability-workload.ts';

/** Ordinary articles in the three formats, and workloads made of them. */

export const TAGS = ['world', 'energy', 'science', 'sport', 'culture', 'tech', 'health', 'local'];
export const AUTHORS = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Katherine Johnson'];

export type Format = 'txt' | 'md' | 'json';

export interface ArticleSpec {
  title: string;
  tags: string[];
  authors: string[];
  /** The file's own dates (md and json); txt articles are dated when first seen. */
  date?: string;
  updated?: string;
  body: string;
}

export function articleFile(format: Format, spec: ArticleSpec): string {
  if (format === 'txt') {
    const tagLine = spec.tags.length > 0 ? `\n\n${spec.tags.join(', ')},\n` : '\n';
    return `${spec.title}\n\n${spec.body}${tagLine}`;
  }
  if (format === 'json') {
    return `${JSON.stringify({
      title: spec.title,
      text: spec.body,
      tags: spec.tags,
      authors: spec.authors,
      ...(spec.date ? { date: spec.date } : {}),
      ...(spec.updated ? { updated: spec.updated } : {}),
    })}\n`;
  }
  const lines = [
    '---',
    `title: ${JSON.stringify(spec.title)}`,
    `tags: ${JSON.stringify(spec.tags)}`,
    `authors: ${JSON.stringify(spec.authors)}`,
    ...(spec.date ? [`date: ${spec.date}`] : []),
    ...(spec.updated ? [`updated: ${spec.updated}`] : []),
    '---',
    '',
    spec.body,
    '',
  ];
  return lines.join('\n');
}

const pick = <T>(items: readonly T[], random: () => number): T =>
  items[Math.floor(random() * items.length)] as T;

function pickSome<T>(items: readonly T[], max: number, random: () => number): T[] {
  const count = Math.floor(random() * (max + 1));
  return [...new Set(Array.from({ length: count }, () => pick(items, random)))];
}

const day = (random: () => number) => String(1 + Math.floor(random() * 28)).padStart(2, '0');

/**
 * A random article; `version` makes every upload of a key differ from the one before.
 * `dated`: the file sets both `date` and `updated`; otherwise it may set a date or none.
 */
export function randomSpec(
  name: string,
  version: number,
  random: () => number,
  dated = false,
): ArticleSpec {
  const date = `2026-03-${day(random)}T08:00:00Z`;
  const dates = dated
    ? { date, updated: `2026-04-${String(version).padStart(2, '0')}T08:00:00Z` }
    : random() < 0.5
      ? { date }
      : {};
  return {
    title: `${name} version ${version}`,
    tags: pickSome(TAGS, 3, random),
    authors: pickSome(AUTHORS, 2, random),
    ...dates,
    body: `Paragraph of ${name}, version ${version}, with some words to read.`,
  };
}

export interface WorkloadOptions {
  /**
   * Every version of a .md/.json article sets `date` and `updated`, and .txt articles (which
   * cannot) are uploaded once: then no date depends on which events ingest applied.
   */
  pinDates: boolean;
}

/**
 * For each key: a create, overwrites with different content, maybe a delete and a
 * re-upload; the operations of all keys interleaved at random.
 */
export function mixedWorkload(keys: number, random: () => number, options: WorkloadOptions): Op[] {
  const perKey: Op[][] = [];
  for (let k = 0; k < keys; k++) {
    const format = (['txt', 'md', 'json'] as const)[k % 3] as Format;
    const once = options.pinDates && format === 'txt';
    const key = `articles/replay/${String(k).padStart(3, '0')}-story.${format}`;
    const ops: Op[] = [];
    let version = 0;
    const put = () => {
      version += 1;
      ops.push({
        kind: 'put',
        key,
        body: articleFile(format, randomSpec(`Story ${k}`, version, random, options.pinDates)),
      });
    };
    put();
    for (let i = once ? 0 : Math.floor(random() * 3); i > 0; i--) put();
    if (random() < 0.4) {
      ops.push({ kind: 'delete', key });
      if (!once && random() < 0.6) put();
    }
    perKey.push(ops);
  }
  const all: Op[] = [];
  while (perKey.some((ops) => ops.length > 0)) {
    const candidates = perKey.filter((ops) => ops.length > 0);
    all.push(pick(candidates, random).shift() as Op);
  }
  return all;
}
