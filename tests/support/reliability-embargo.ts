import type { S3Client } from '@aws-sdk/client-s3';
import { middlewareOf } from './reliability-pipeline.ts';
import type { TableState } from './reliability-state.ts';
import type { Op } from './reliability-workload.ts';

/**
 * Embargoed stories: the mixed workload uploads some articles dated far in the future
 * (scheduled, never released in a test), each version carrying a marker of its own,
 * `EMBARGO-<n>`, in its title, its body, a tag's name and an author's name. None of those
 * versions is ever public, so no marker may appear anywhere in the site: not in a file's body
 * (a feed, a page, a listing, a sitemap, the OPML, the index), nor in a file's key (a tag's or
 * author's feed folder, `tags/embargo-<n>/`).
 */

export const embargoMarker = (n: number) => `EMBARGO-${n}`;

/** A marker in any case: tag and author slugs lower-case it (`tags/embargo-3/`, `writer-embargo-3`). */
const MARKER = /embargo-(\d+)/gi;

/** The markers a text holds, upper-cased (`EMBARGO-3`); `EMBARGO-12` is not `EMBARGO-1`. */
export function markersIn(text: string): string[] {
  return [...new Set([...text.matchAll(MARKER)].map((m) => embargoMarker(Number(m[1]))))];
}

const textOf = (body: string | Uint8Array) =>
  typeof body === 'string' ? body : new TextDecoder().decode(body);

/** Every marker a workload's uploads carry (each is of a scheduled version). */
export function embargoMarkers(ops: readonly Op[]): string[] {
  const found = new Set<string>();
  for (const op of ops) {
    if (op.kind !== 'put') continue;
    for (const marker of markersIn(textOf(op.body))) found.add(marker);
  }
  return [...found].sort();
}

/**
 * The site files whose key or body holds one of these markers, and which: `whose` says what
 * a marker belongs to (`scheduled <id>`), for the message.
 */
export function markerProblems(
  files: ReadonlyMap<string, string>,
  markers: ReadonlyMap<string, string> | Iterable<string>,
): string[] {
  const whose =
    markers instanceof Map
      ? (markers as ReadonlyMap<string, string>)
      : new Map([...(markers as Iterable<string>)].map((m) => [m, 'a scheduled upload']));
  if (whose.size === 0) return [];
  const problems: string[] = [];
  for (const [path, body] of files) {
    for (const marker of markersIn(`${path}\n${body}`)) {
      const owner = whose.get(marker);
      if (owner) problems.push(`${path} holds ${marker} (${owner})`);
    }
  }
  return problems;
}

/**
 * How each key that uploaded a scheduled version ended, by the table: `scheduled`, `live`,
 * `deleted` (its file is gone), … So a suite can tell that its run covered those cases.
 */
export function embargoedOutcomes(ops: readonly Op[], state: TableState): Map<string, string> {
  const outcomes = new Map<string, string>();
  for (const op of ops) {
    if (op.kind !== 'put' || markersIn(textOf(op.body)).length === 0) continue;
    const source = state.sources.get(op.key);
    const status = source?.deleted
      ? 'deleted'
      : (state.articles.get(source?.id ?? '')?.status ?? 'missing');
    outcomes.set(op.key, status);
  }
  return outcomes;
}

/**
 * Watches a pipeline's writes to the site bucket as they are sent: a PUT whose key or body
 * holds one of these markers is a leak even if a later render replaced the object, which the
 * settled site cannot show. Returns the list it fills (`<key> written with <marker>`).
 */
export function watchSiteWrites(
  s3: S3Client,
  bucket: string,
  markers: readonly string[],
): string[] {
  const leaks: string[] = [];
  const watched = new Set(markers);
  middlewareOf(s3).add(
    (next, context) => async (args) => {
      const input = args.input as { Bucket?: string; Key?: string; Body?: unknown };
      if (context.commandName === 'PutObjectCommand' && input.Bucket === bucket) {
        const body =
          typeof input.Body === 'string'
            ? input.Body
            : input.Body instanceof Uint8Array
              ? new TextDecoder().decode(input.Body)
              : '';
        for (const marker of markersIn(`${input.Key}\n${body}`))
          if (watched.has(marker)) leaks.push(`${input.Key} written with ${marker}`);
      }
      return next(args);
    },
    { step: 'initialize', name: 'watchSiteWrites' },
  );
  return leaks;
}
