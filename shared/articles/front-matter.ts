/**
 * YAML front matter: split from the Markdown body, parsed safely (alias bombs, size), and
 * every problem reported with its line: `front matter line 3 (line 4 of the file): ...`.
 */
import { type Document, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import { ArticleRejectedError } from './errors.ts';
import { isRecord } from './fields.ts';
import { lineAt } from './text.ts';

/** Front matter larger than this is not metadata: reject before parsing. */
export const MAX_FRONT_MATTER_BYTES = 64 * 1024;
/** Aliases YAML may expand; a handful is normal, thousands is a billion-laughs attack. */
const MAX_ALIAS_COUNT = 50;
/**
 * Deepest `[`/`{` nesting read: yaml recurses per level until the stack overflows (300 ms
 * for 60 KiB of `[`); front matter nests two or three.
 */
const MAX_FLOW_DEPTH = 100;
/**
 * Aliases a document may hold at all: yaml looks each one up by walking every anchor and
 * alias before it, so 10,000 aliases of 10,000 anchors cost it 10^8 steps.
 */
const MAX_ALIASES = 200;

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
  const deep = flowDepthBeyond(yaml, MAX_FLOW_DEPTH);
  if (deep !== undefined) {
    throw new ArticleRejectedError(
      'bad-front-matter',
      `${where(lineAt(yaml, deep))}: lists or maps ([ or {) nested more than ${MAX_FLOW_DEPTH} deep`,
    );
  }
  let doc: Document.Parsed;
  let value: unknown;
  try {
    doc = parseYaml(yaml, lineCounter);
    const duplicate = firstDuplicateKey(doc);
    const error = doc.errors[0];
    if (duplicate !== undefined && (!error || duplicate < error.pos[0])) {
      throw rejection('Map keys must be unique', lineCounter.linePos(duplicate).line, undefined);
    }
    if (error) {
      // yaml finds a quote never closed where the file ends: say where it was opened.
      const quote = /^Missing closing (["'])quote/.exec(error.message)?.[1];
      const opened = quote ? unclosedQuoteLine(yaml, quote) : undefined;
      if (opened !== undefined)
        throw rejection(
          `the value's ${quote} is never closed (add the closing ${quote} on this line)`,
          opened,
          error,
        );
      throw rejection(error.message, lineCounter.linePos(error.pos[0]).line, error);
    }
    const tooMany = aliasBeyondLimit(doc);
    if (tooMany !== undefined) {
      throw rejection(
        `more than ${MAX_ALIASES} aliases (*references); it looks like a YAML bomb`,
        lineCounter.linePos(tooMany).line,
        undefined,
      );
    }
    tagsAsWritten(doc);
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

/**
 * Tags written plainly that YAML reads as numbers or booleans keep the text written: `3.10` is
 * the tag "3.10", not 3.1 (which would merge it with "3.1"), `010` is "010", `1e3` is "1e3".
 */
function tagsAsWritten(doc: Document.Parsed): void {
  for (const field of ['tags', 'categories']) {
    const tags = doc.get(field, true);
    const items = isSeq(tags) ? tags.items : [tags];
    for (const item of items) {
      if (!isScalar(item) || item.type !== 'PLAIN' || item.source === undefined) continue;
      if (typeof item.value === 'number' || typeof item.value === 'boolean')
        item.value = item.source;
    }
  }
}

/**
 * Offset of the first key that repeats an earlier key of its map, as yaml's `uniqueKeys`
 * finds it (scalars with the same value; other keys only if they are the same node).
 */
function firstDuplicateKey(doc: Document.Parsed): number | undefined {
  let first: number | undefined;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!isScalar(key) || Number.isNaN(key.value)) continue;
        const at = key.range?.[0];
        if (seen.has(key.value) && at !== undefined && (first === undefined || at < first))
          first = at;
        seen.add(key.value);
      }
    },
  });
  return first;
}

/** Offset of the alias past {@link MAX_ALIASES}, if there is one. */
function aliasBeyondLimit(doc: Document.Parsed): number | undefined {
  let count = 0;
  let beyond: number | undefined;
  visit(doc, {
    Alias(_, alias) {
      count += 1;
      if (count <= MAX_ALIASES) return undefined;
      beyond = alias.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return beyond;
}

/**
 * yaml's parseDocument, minus two costs: it checks each key against every earlier key of
 * its map (quadratic; firstDuplicateKey does it in one pass), and it records a stack trace
 * for each of its errors, which on 64 KiB of broken lines is half its time (we only read
 * messages and positions).
 */
function parseYaml(yaml: string, lineCounter: LineCounter): Document.Parsed {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parseDocument(yaml, { lineCounter, prettyErrors: false, uniqueKeys: false });
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * Offset of the first `[` or `{` past `max` levels deep, outside quotes and comments. It
 * also counts brackets inside plain scalars (`a[b`), so it can only overcount.
 */
function flowDepthBeyond(yaml: string, max: number): number | undefined {
  let depth = 0;
  let quote = 0;
  for (let i = 0; i < yaml.length; i += 1) {
    const code = yaml.charCodeAt(i);
    if (quote !== 0) {
      if (code === 0x5c && quote === 0x22) i += 1;
      else if (code === quote) quote = 0;
      continue;
    }
    if (code === 0x22 || code === 0x27) quote = code;
    else if (code === 0x23 && (i === 0 || /\s/.test(yaml.charAt(i - 1)))) {
      const end = yaml.indexOf('\n', i);
      if (end === -1) break;
      i = end;
    } else if (code === 0x5b || code === 0x7b) {
      depth += 1;
      if (depth > max) return i;
    } else if ((code === 0x5d || code === 0x7d) && depth > 0) depth -= 1;
  }
  return undefined;
}

/** `front matter line 3 (line 4 of the file)`. */
export function where(frontMatterLine: number): string {
  return `front matter line ${frontMatterLine} (line ${frontMatterLine + 1} of the file)`;
}

/**
 * The line (from 1) of the value that opens a `quote`d string closed nowhere after it (`"`
 * closed by a `"` not escaped with `\\`, `'` by a `'` not doubled; a quoted value may go on
 * over lines, so its close is looked for in the rest of the front matter).
 */
function unclosedQuoteLine(yaml: string, quote: string): number | undefined {
  const lines = yaml.split('\n');
  for (let at = 0; at < lines.length; at++) {
    const line = lines[at] ?? '';
    const open = /^\s*(?:- |[^\s#"'][^:#]{0,200}:\s+)/.exec(line);
    if (!open || line[open[0].length] !== quote) continue;
    const rest = [line.slice(open[0].length + 1), ...lines.slice(at + 1)];
    const close = rest.findIndex((text) =>
      quote === '"' ? /(?:^|[^\\])(?:\\\\)*"/.test(text) : text.replaceAll("''", '').includes("'"),
    );
    if (close === -1) return at + 1;
    // Closed on a later line: go on after it.
    at += close;
  }
  return undefined;
}

function rejection(message: string, line: number, cause: unknown): ArticleRejectedError {
  return new ArticleRejectedError(
    'bad-front-matter',
    `${where(line)}: ${message}`,
    cause === undefined ? undefined : { cause },
  );
}
