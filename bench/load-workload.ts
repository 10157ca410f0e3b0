import { prng } from '../tests/support/prng.ts';

/**
 * The uploads of `npm run load` (and of its short form in the test suite), planned up front
 * from a seed: the same options give the same operations, byte for byte. All Markdown with
 * front matter; most articles share a handful of tags and authors, some carry a tag of a long
 * tail (so a feed can lose its last article), and earlier articles are overwritten, deleted
 * and uploaded again.
 */

export type LoadOpKind = 'new' | 'overwrite' | 'delete' | 'reupload';
export type LoadPhase = 'sustained' | 'burst';

export interface LoadOp {
  index: number;
  phase: LoadPhase;
  kind: LoadOpKind;
  key: string;
  /** The file a PUT uploads; absent for a delete. */
  body?: string;
  /** Unique per PUT, so the table shows which version of a key it holds. */
  title?: string;
}

export interface WorkloadOptions {
  seed: number;
  sustainedOps: number;
  burstOps: number;
  /**
   * Only keys last touched at least this many operations earlier are overwritten or deleted:
   * a new article is seen by the freshness probe before anything changes it, and two writes
   * of one key are never in flight together (s3rver does not write an object atomically).
   */
  minAgeOps: number;
  /** Object keys go below `articles/<folder>/`. */
  folder: string;
}

const MIX: [LoadOpKind, number][] = [
  ['new', 0.6],
  ['overwrite', 0.25],
  ['delete', 0.1],
  ['reupload', 0.05],
];

/** Few tags most articles share: the first ones most. */
const COMMON_TAGS = ['World', 'Politics', 'Economy', 'Technology', 'Science', 'Health', 'Sport'];
/** The long tail: a tag here has few articles, and may lose its last one. */
const TAIL_TAGS = ['Lagos', 'Lima', 'Oslo', 'Osaka', 'Quito', 'Riga', 'Sofia', 'Tunis', 'Hanoi'];
const AUTHORS = ['Ana Silva', 'Bilal Haddad', 'Chen Wei', 'Dara Novak', 'Emeka Okafor'];
const WORDS = (
  'the council said on monday that its members had agreed a plan to expand regional ' +
  'services after weeks of talks while analysts warned that costs could rise unless new ' +
  'funding arrives before winter according to figures published by the statistics office'
).split(' ');
const BASE_DATE = Date.parse('2025-01-01T00:00:00Z');

type Random = () => number;
const pick = <T>(random: Random, list: readonly T[]): T =>
  list[Math.floor(random() * list.length)] as T;

/** Skewed towards the start of the list: the first tag is on about a third of the articles. */
const popular = <T>(random: Random, list: readonly T[]): T =>
  list[Math.floor(random() ** 2 * list.length)] as T;

function words(random: Random, count: number): string {
  return Array.from({ length: count }, () => pick(random, WORDS)).join(' ');
}

function paragraph(random: Random): string {
  const text = words(random, 25 + Math.floor(random() * 40));
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** One Markdown upload: front matter, a heading, emphasis, a link, a list, paragraphs. */
function markdown(random: Random, title: string, dateIndex: number): string {
  const tags = new Set([popular(random, COMMON_TAGS)]);
  while (random() < 0.5) tags.add(popular(random, COMMON_TAGS));
  if (random() < 0.2) tags.add(pick(random, TAIL_TAGS));
  const author = pick(random, AUTHORS);
  const email = `${author.split(' ')[0]?.toLowerCase()}@news.example.com`;
  const front = [
    `title: ${JSON.stringify(title)}`,
    `date: ${new Date(BASE_DATE + dateIndex * 60_000).toISOString()}`,
    `author: ${JSON.stringify(`${author} <${email}>`)}`,
    `tags: ${JSON.stringify([...tags])}`,
  ];
  const body = [
    paragraph(random),
    `## ${words(random, 4)}`,
    `${paragraph(random)} *${words(random, 3)}*, [more](https://example.org/${dateIndex}).`,
    ['- ', '- ', '- '].map((dash) => `${dash}${words(random, 5)}`).join('\n'),
    ...Array.from({ length: 1 + Math.floor(random() * 5) }, () => paragraph(random)),
  ];
  return `---\n${front.join('\n')}\n---\n\n${body.join('\n\n')}\n`;
}

/** The operations of one run, sustained phase first, then the burst. */
export function planWorkload(options: WorkloadOptions): LoadOp[] {
  const random = prng(options.seed);
  /** Key → index of the operation that last touched it. */
  const live = new Map<string, number>();
  const deleted = new Map<string, number>();
  const dates = new Map<string, number>();
  const versions = new Map<string, number>();
  const ops: LoadOp[] = [];
  const total = options.sustainedOps + options.burstOps;
  let created = 0;

  for (let index = 0; index < total; index++) {
    const phase: LoadPhase = index < options.sustainedOps ? 'sustained' : 'burst';
    // In the burst every key is touched at most once: its writes are all in flight together.
    const cutoff = Math.min(
      index - options.minAgeOps,
      phase === 'burst' ? options.sustainedOps : index,
    );
    const eligible = (keys: Map<string, number>) =>
      [...keys].filter(([, touched]) => touched < cutoff).map(([key]) => key);
    let kind = drawKind(random);
    let key = '';
    if (kind === 'overwrite' || kind === 'delete') {
      const candidates = eligible(live);
      if (candidates.length > 0) key = pick(random, candidates);
    } else if (kind === 'reupload') {
      const candidates = eligible(deleted);
      if (candidates.length > 0) key = pick(random, candidates);
    }
    if (!key) {
      kind = 'new';
      key = `articles/${options.folder}/a${String(created++).padStart(6, '0')}.md`;
    }
    if (kind === 'delete') {
      live.delete(key);
      deleted.set(key, index);
      ops.push({ index, phase, kind, key });
      continue;
    }
    // An overwrite is an edit: it keeps the article's date. A new or re-uploaded one is newest.
    if (kind !== 'overwrite') dates.set(key, index);
    const version = (versions.get(key) ?? 0) + 1;
    versions.set(key, version);
    deleted.delete(key);
    live.set(key, index);
    const title = `Load ${key.slice(key.lastIndexOf('/') + 1, -3)} v${version}: ${words(random, 4)}`;
    const body = markdown(random, title, dates.get(key) ?? index);
    ops.push({ index, phase, kind, key, body, title });
  }
  return ops;
}

function drawKind(random: Random): LoadOpKind {
  let roll = random();
  for (const [kind, share] of MIX) {
    if (roll < share) return kind;
    roll -= share;
  }
  return 'new';
}

/** What every key should hold once all operations are applied: its last title, or nothing. */
export function finalState(ops: readonly LoadOp[]): Map<string, string | undefined> {
  const state = new Map<string, string | undefined>();
  for (const op of ops) state.set(op.key, op.title);
  return state;
}
