import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { regexLiterals, regexProblems } from './regex-shape.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LINTED = ['shared/articles', 'shared/feeds'];

/**
 * Regexes the check flags that are linear where they are used; each says why. A new entry
 * needs the same: the input it runs on is short, or the match cannot fail past the overlap.
 */
const ALLOWED: { file: string; pattern: string; why: string }[] = [
  {
    file: 'shared/articles/json.ts',
    pattern: ' (?:in JSON )?at position (\\d+).*$',
    why: "runs on V8's JSON.parse message, and `.*$` with the s flag cannot fail",
  },
  {
    file: 'shared/articles/labels.ts',
    pattern: '-+$',
    why: 'runs on a slug already cut to 71 characters',
  },
  {
    file: 'shared/articles/object-key.ts',
    pattern: '[-/]+$',
    why: 'runs on an id already cut to 200 characters',
  },
];

describe('regexProblems (a structural check, not a timing)', () => {
  it.each([
    ['the old tag regex of html-depth.ts', '<(\\/?)([a-z][^\\s/>]*)[^>]*>', 'gi', 'adjacent'],
    ['the old ATX heading regex', '^ {0,3}#[ \\t]+(.+?)(?:[ \\t]+#+)?[ \\t]*$', '', 'adjacent'],
    ['the old author regex', '^(.*?)\\s*<([^<>]*)>\\s*$', 'u', 'adjacent'],
    [
      'the old RFC 2822 date regex',
      '(\\d{2})(?::(\\d{2}))?\\s*([+-]\\d{4}|UT)?(?:\\s*\\([^()]*\\))?$',
      'i',
      'adjacent',
    ],
    ['a nested repeat', '(a+)+b', '', 'nested'],
    ["marked's URL back-pedal", '(?:[^?!.,:;*_\'"~()&]+|\\([^)]*\\))+', '', 'nested'],
    ['trailing whitespace, unanchored', '\\s+$', '', 'leading'],
    ['junk at the end, unanchored', '[\\s,;:.!?\\-–—]+$', 'u', 'leading'],
  ])('flags %s', (_, pattern, flags, shape) => {
    expect(regexProblems(pattern, flags).map((p) => p.shape)).toContain(shape);
  });

  it.each([
    ['whitespace runs', '\\s+', 'gu'],
    ['a blank line', '\\n[^\\S\\n]*\\n', ''],
    ['comma lists', '^\\w+(?:,\\s*\\w+)*$', ''],
    ['a language tag', '^[a-z]{1,8}(?:-[a-z0-9]{1,8})*$', 'i'],
    ['the new RFC 2822 tail', '(\\d{2})(?:\\s*([+-]\\d{4}|UT))?(?:\\s*\\([^()]*\\))?$', 'i'],
    ['runs of marks cut to 30', '(\\p{M}{30})\\p{M}+', 'gu'],
    ['an anchored e-mail', '^[^\\s@<>]+@[^\\s@<>]+\\.[^\\s@<>.]+$', 'u'],
  ])('passes %s', (_, pattern, flags) => {
    expect(regexProblems(pattern, flags)).toEqual([]);
  });
});

describe('regexLiterals', () => {
  it('finds regex literals, not divisions, comments or strings', () => {
    const source = [
      'const a = /x+y/gi; // not /this/',
      'const b = c / d / e;',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text holding a template literal
      "const s = '/nor/this/' + `${f(/in(?:side)/)} /not/`;",
      'if (/^z$/.test(v)) return /[/]/u;',
    ].join('\n');
    expect(regexLiterals(source).map((r) => `/${r.pattern}/${r.flags}`)).toEqual([
      '/x+y/gi',
      '/in(?:side)/',
      '/^z$/',
      '/[/]/u',
    ]);
  });
});

describe('our regex literals', () => {
  const sources = LINTED.flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => `${dir}/${name}`),
  );

  it('are found (the check looks at real code)', () => {
    const count = sources.reduce(
      (sum, file) => sum + regexLiterals(readFileSync(join(ROOT, file), 'utf8')).length,
      0,
    );
    expect(count).toBeGreaterThan(30);
  });

  it('have no nested, adjacent or leading unbounded repeats that can backtrack', () => {
    const offenders: string[] = [];
    for (const file of sources) {
      for (const { pattern, flags, line } of regexLiterals(
        readFileSync(join(ROOT, file), 'utf8'),
      )) {
        if (ALLOWED.some((allowed) => allowed.file === file && allowed.pattern === pattern))
          continue;
        for (const problem of regexProblems(pattern, flags))
          offenders.push(
            `${file}:${line} /${pattern}/${flags}: ${problem.shape}, ${problem.detail}`,
          );
      }
    }
    expect(offenders).toEqual([]);
  });

  it('allow only patterns that are still there', () => {
    for (const { file, pattern } of ALLOWED) {
      const patterns = regexLiterals(readFileSync(join(ROOT, file), 'utf8')).map((r) => r.pattern);
      expect(patterns, file).toContain(pattern);
    }
  });
});
