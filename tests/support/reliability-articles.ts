import { embargoMarker } from './reliability-embargo.ts';
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

/**
 * A version under embargo: dated in 2099 (scheduled, and never released in a test), its
 * `marker` (reliability-embargo.ts) in its title, body, one tag's name and one author's name,
 * beside ordinary tags and authors that live stories share. It sets `date` and `updated`, as
 * pinned versions do.
 */
export function embargoedSpec(
  name: string,
  version: number,
  marker: string,
  random: () => number,
): ArticleSpec {
  const date = `2099-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${day(random)}T08:00:00Z`;
  return {
    title: `${name} version ${version}: ${marker}`,
    tags: [marker, ...pickSome(TAGS, 2, random)],
    authors: [`Writer ${marker}`, ...pickSome(AUTHORS, 1, random)],
    date,
    updated: date,
    body: `Paragraph of ${name}, version ${version}, under embargo until 2099: ${marker}.`,
  };
}

export interface WorkloadOptions {
  /**
   * Every version of a .md/.json article sets `date` and `updated`, and .txt articles (which
   * cannot) are uploaded once: then no date depends on which events ingest applied.
   */
  pinDates: boolean;
}

type Step = 'scheduled' | 'live' | 'delete';

/**
 * What the embargoed keys do, in turn: stay scheduled; are released by a live re-upload; are
 * pulled back under embargo after being live; are deleted while scheduled (and re-uploaded,
 * scheduled again); flip back and forth; and one whose live story was pulled back, deleted
 * and published again.
 */
const EMBARGO_PLANS: readonly Step[][] = [
  ['scheduled'],
  ['scheduled', 'live'],
  ['live', 'scheduled'],
  ['scheduled', 'delete'],
  ['scheduled', 'live', 'scheduled'],
  ['scheduled', 'delete', 'scheduled'],
  ['live', 'scheduled', 'delete', 'live'],
];

/** Every other .md/.json key is embargoed (a third of all keys: 2, 4, 8, 10, 14, …). */
const isEmbargoed = (k: number) => k % 3 !== 0 && k % 2 === 0;

/**
 * For each key: a create, overwrites with different content, maybe a delete and a
 * re-upload; the operations of all keys interleaved at random. A third of the keys follow an
 * embargo plan (EMBARGO_PLANS, in turn) instead: versions scheduled for 2099, each with a
 * marker of its own (`EMBARGO-<n>`, see reliability-embargo.ts), live versions and deletes.
 */
export function mixedWorkload(keys: number, random: () => number, options: WorkloadOptions): Op[] {
  const perKey: Op[][] = [];
  let markers = 0;
  let embargoed = 0;
  for (let k = 0; k < keys; k++) {
    const format = (['txt', 'md', 'json'] as const)[k % 3] as Format;
    const once = options.pinDates && format === 'txt';
    const key = `articles/replay/${String(k).padStart(3, '0')}-story.${format}`;
    const ops: Op[] = [];
    let version = 0;
    const put = (scheduled = false) => {
      version += 1;
      const name = `Story ${k}`;
      const spec = scheduled
        ? embargoedSpec(name, version, embargoMarker(++markers), random)
        : randomSpec(name, version, random, options.pinDates);
      ops.push({ kind: 'put', key, body: articleFile(format, spec) });
    };
    if (isEmbargoed(k)) {
      const plan = EMBARGO_PLANS[embargoed++ % EMBARGO_PLANS.length] as Step[];
      for (const step of plan) {
        if (step === 'delete') ops.push({ kind: 'delete', key });
        else put(step === 'scheduled');
      }
      perKey.push(ops);
      continue;
    }
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
