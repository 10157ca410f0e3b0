import { INBOX_PREFIX } from '../contract/inbox.ts';
import { ArticleRejectedError } from './errors.ts';
import { cutAt, shortHash, slugify } from './slug.ts';
import { uuidV5 } from './uuid-v5.ts';

/** Longest id in UTF-16 code units; `articles/<id>.html` stays far below S3's 1,024 bytes. */
export const MAX_ID_LENGTH = 200;
/** Fixed namespace for feedpub guids (UUIDv5). Never change it: every guid would change. */
export const FEEDPUB_NAMESPACE = '7ffd951d-88f8-4484-8d81-a1e102b392bf';

const HASH_SUFFIX_LENGTH = 9; // '-' + 8 hex
const CANONICAL_EXTENSION = /^\.[a-z0-9]+$/;
const SAFE_SEGMENT = /^[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}_-]*$/u;

/**
 * Decodes an object key as S3 event notifications carry it: `+` is a space, then
 * percent-decoding (UTF-8). Order matters: `%2B` is a literal `+`.
 */
export function decodeS3EventKey(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch (cause) {
    const bad = /%(?![0-9a-f]{2})/i.exec(raw);
    const detail = bad
      ? `character ${bad.index + 1}: "${raw.slice(bad.index, bad.index + 3)}" is not a %XX escape`
      : 'its %XX escapes are not valid UTF-8';
    throw new ArticleRejectedError(
      'bad-key',
      `object key "${raw}" is not URL-encoded properly: ${detail}`,
      {
        cause,
      },
    );
  }
}

/**
 * The article id for a decoded object key `articles/...`: the path below `articles/`
 * without extension, each segment slugified; empty, `.` and `..` segments dropped.
 * A key that is not already in canonical form (every segment equal to its slug, a
 * lowercase extension) gets `-<8 hex of sha256(key)>` on its last segment, so distinct
 * keys that slugify alike (`A b.txt`, `a_b.txt`, `a-b.txt`) get distinct ids, and keys that
 * differ only in how their letters are composed (NFC or NFD) the same one.
 * Ids longer than {@link MAX_ID_LENGTH} are cut and get the same suffix.
 */
export function idFromKey(
  key: string,
  /**
   * How ids were made before, for the id a key with decomposed letters had then, which its story
   * keeps (ingest, `keptId`): `spelled`, the name and the hash as spelled (before 2026-12-06);
   * `spelledName`, the name as spelled and the hash composed (2026-12-06, a few hours: a
   * decomposed Japanese or Arabic name was hashed).
   */
  { legacy }: { legacy?: 'spelled' | 'spelledName' } = {},
): string {
  if (!key.startsWith(INBOX_PREFIX.articles)) {
    throw new ArticleRejectedError(
      'bad-key',
      `object key "${key}" is not under ${INBOX_PREFIX.articles}`,
    );
  }
  const raw = key.slice(INBOX_PREFIX.articles.length).split('/');
  const kept = raw.filter((segment) => segment !== '' && segment !== '.' && segment !== '..');
  if (kept.length === 0) return `h-${shortHash(key)}`;

  let canonical = kept.length === raw.length;
  const slugs = kept.map((segment, index) => {
    const isFile = index === kept.length - 1;
    const { base, extension } = isFile ? splitExtension(segment) : { base: segment, extension: '' };
    const slug = slugify(base);
    // A name is canonical as its slug composed: `ガス料金` saved by macOS (カ + U+3099) is too.
    const spelled = legacy ? base : base.normalize('NFC');
    if (slug !== spelled || (isFile && !CANONICAL_EXTENSION.test(extension))) canonical = false;
    return slug || `h-${shortHash(base)}`;
  });
  const id = slugs.join('/');
  if (canonical && id.length <= MAX_ID_LENGTH) return id;
  const head = cutAt(id, MAX_ID_LENGTH - HASH_SUFFIX_LENGTH).replace(/[-/]+$/, '');
  // Composed first: `café.md` saved by macOS (e + U+0301) is the id Linux gives `café.md`.
  return `${head}-${shortHash(legacy === 'spelled' ? key : key.normalize('NFC'))}`;
}

/**
 * The id of an upload at `key` whose file names none: idFromKey's, or the one the key's story
 * already has when that was made from the key as spelled (a decomposed name uploaded before
 * ids were made from names composed): a story never changes its id and guid under its readers.
 */
export function keptId(key: string, current: string | undefined): string {
  const id = idFromKey(key);
  if (current === undefined || current === id) return id;
  const before = LEGACY_RULES.some((legacy) => current === idFromKey(key, { legacy }));
  return before ? current : id;
}

const LEGACY_RULES = ['spelled', 'spelledName'] as const;

/**
 * Whether `id` (typically set in a file) is a safe path below `articles/`: at most
 * {@link MAX_ID_LENGTH} code units, lowercase, NFKC, `/`-separated segments of letters,
 * marks and numbers of any script plus `-` and `_`, each starting with a letter, mark or
 * number (so no empty, `.` or `..` segment). Every id {@link idFromKey} makes is safe.
 */
export function isSafeId(id: string): boolean {
  if (id.length === 0 || id.length > MAX_ID_LENGTH) return false;
  if (id !== id.toLowerCase() || id !== id.normalize('NFKC')) return false;
  return id.split('/').every((segment) => SAFE_SEGMENT.test(segment));
}

/** The article's permanent feed guid / Atom id: `urn:uuid:` + UUIDv5(id). */
export function guidFromId(id: string): string {
  return `urn:uuid:${uuidV5(id, FEEDPUB_NAMESPACE)}`;
}

function splitExtension(name: string): { base: string; extension: string } {
  const dot = name.lastIndexOf('.');
  return dot > 0
    ? { base: name.slice(0, dot), extension: name.slice(dot) }
    : { base: name, extension: '' };
}
