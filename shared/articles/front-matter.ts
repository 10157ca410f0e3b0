/**
 * YAML front matter: split from the Markdown body, parsed safely (alias bombs, size), and
 * every problem reported with its line: `front matter line 3 (line 4 of the file): ...`.
 */
import { type Document, LineCounter, parseDocument } from 'yaml';
import { ArticleRejectedError } from './errors.ts';
import { isRecord } from './fields.ts';

/** Front matter larger than this is not metadata: reject before parsing. */
export const MAX_FRONT_MATTER_BYTES = 64 * 1024;
/** Aliases YAML may expand; a handful is normal, thousands is a billion-laughs attack. */
const MAX_ALIAS_COUNT = 50;

export interface FrontMatterSplit {
  /** The YAML between the `---` lines, if the file has front matter. */
  yaml?: string;
  body: string;
}

export interface FrontMatter {
  data: Record<string, unknown>;
  /** Front-matter line of the value at `path` (or of its closest parent), for messages. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
  warnings: string[];
}

export function splitFrontMatter(text: string): FrontMatterSplit {
  const lines = text.split('\n');
  const first = lines[0]?.trimEnd();
  if (first === '+++') {
    throw new ArticleRejectedError(
      'bad-front-matter',
      'line 1: TOML front matter (+++) is not supported; use YAML between --- lines',
    );
  }
  if (first !== '---') return { body: text };
  const close = lines.findIndex((line, index) => index > 0 && /^(?:---|\.\.\.)\s*$/.test(line));
  if (close === -1) {
    throw new ArticleRejectedError(
      'bad-front-matter',
      'line 1: front matter starts with --- but no closing --- line follows',
    );
  }
  return { yaml: lines.slice(1, close).join('\n'), body: lines.slice(close + 1).join('\n') };
}

/** Parses front matter; its first line is line 2 of the file. */
export function parseFrontMatter(yaml: string): FrontMatter {
  if (Buffer.byteLength(yaml, 'utf8') > MAX_FRONT_MATTER_BYTES) {
    throw new ArticleRejectedError(
      'bad-front-matter',
      `front matter is larger than ${MAX_FRONT_MATTER_BYTES / 1024} KiB`,
    );
  }
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  let value: unknown;
  try {
    doc = parseDocument(yaml, { lineCounter, prettyErrors: false, uniqueKeys: true });
    const error = doc.errors[0];
    if (error) throw rejection(error.message, lineCounter.linePos(error.pos[0]).line, error);
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    if (cause instanceof ArticleRejectedError) throw cause;
    const message =
      cause instanceof ReferenceError
        ? 'too many aliases (*references); it looks like a YAML bomb'
        : String(cause);
    throw new ArticleRejectedError('bad-front-matter', `front matter: ${message}`, { cause });
  }
  if (value === null || value === undefined) value = {};
  if (!isRecord(value)) {
    throw new ArticleRejectedError(
      'bad-front-matter',
      'front matter line 1 (line 2 of the file): expected "key: value" lines',
    );
  }
  const warnings = doc.warnings.map(
    (warning) => `${where(lineCounter.linePos(warning.pos[0]).line)}: ${warning.message}`,
  );
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let length = path.length; length > 0; length -= 1) {
      const node = doc.getIn(path.slice(0, length), true) as
        | { range?: [number, number, number] }
        | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return { data: value, lineOf, warnings };
}

/** `front matter line 3 (line 4 of the file)`. */
export function where(frontMatterLine: number): string {
  return `front matter line ${frontMatterLine} (line ${frontMatterLine + 1} of the file)`;
}

function rejection(message: string, line: number, cause: unknown): ArticleRejectedError {
  return new ArticleRejectedError('bad-front-matter', `${where(line)}: ${message}`, { cause });
}
