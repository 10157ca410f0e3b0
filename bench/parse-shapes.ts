/**
 * Pathological uploads for the parse benchmark: every format (.txt, .md, .json), every
 * field, each built to just under a target size (128 KiB and just under the 1 MiB upload
 * limit). Runs of the characters parsers treat specially, unclosed constructs, deep and
 * wide structures, and the encodings decode.ts accepts. Generated lazily: a shape is only
 * built when it runs.
 */
import { MAX_ARTICLE_BYTES } from '../shared/articles/decode.ts';
import { prng } from '../tests/support/prng.ts';

export interface Upload {
  key: string;
  bytes: Uint8Array;
}

export interface ParseShape {
  name: string;
  make(): Upload;
}

/** `unit` repeated to `n` characters (the last copy may be cut). */
const rep = (unit: string, n: number) =>
  unit.repeat(Math.ceil(Math.max(0, n) / unit.length)).slice(0, Math.max(0, n));
/** `make(i)` for i = 0, 1, 2… joined while they fit in `n` characters (whole parts only). */
function seq(make: (i: number) => string, n: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; ; i += 1) {
    const part = make(i);
    if (length + part.length > n && i > 0) break;
    parts.push(part);
    length += part.length;
  }
  return parts.join('');
}
const PROSE =
  'The council said on Monday that the plan would go ahead after weeks of talks. Officials ' +
  'expect costs to rise. ';

/** Patterns of about `n` characters, for any text field or body. */
const INLINE: Readonly<Record<string, (n: number) => string>> = {
  prose: (n) => rep(PROSE, n),
  'one word': (n) => rep('a', n),
  '<a': (n) => rep('<a', n),
  '<': (n) => rep('<', n),
  '</a': (n) => rep('</a', n),
  '</': (n) => rep('</', n),
  '<a/': (n) => rep('<a/', n),
  '<a\\t': (n) => rep('<a\t', n),
  '<a x=': (n) => rep('<a x=', n),
  '<a x="': (n) => rep('<a x="', n),
  "<a x='": (n) => rep("<a x='", n),
  '<a href=" unclosed': (n) => `<a href="${rep('x', n - 10)}`,
  '<a many attributes': (n) => `<a${seq((i) => ` a${i}=${i}`, n - 4)}>`,
  '<a same attribute': (n) => `<a${rep(' x=1', n - 4)}>`,
  '<!--': (n) => rep('<!--', n),
  '<!-- unclosed': (n) => `<!--${rep('a<', n - 4)}`,
  '<![CDATA[': (n) => rep('<![CDATA[', n),
  '<?': (n) => rep('<?', n),
  '<!': (n) => rep('<!', n),
  '<!a ': (n) => rep('<!a ', n),
  '<p>': (n) => rep('<p>', n),
  '<li>': (n) => rep('<li>', n),
  '<b> deep': (n) => rep('<b>', n),
  '<div><span>': (n) => rep('<div><span>', n),
  '<b></b>': (n) => rep('<b></b>', n),
  '</b>': (n) => rep('</b>', n),
  '<table><tr><td>': (n) => rep('<table><tr><td>', n),
  '<td>': (n) => rep('<td>', n),
  '<a href>a</a>': (n) => rep('<a href="/x">a</a> ', n),
  '<img src>': (n) => rep('<img src="/i.png">', n),
  '<script> unclosed': (n) => `<script>${rep('a<', n - 8)}`,
  '<style> unclosed': (n) => `<style>${rep('a{', n - 7)}`,
  '<textarea><a': (n) => `<textarea>${rep('<a', n - 10)}`,
  '<svg>': (n) => rep('<svg>', n),
  '<select><option>': (n) => rep('<select><option>', n),
  '<template>': (n) => rep('<template>', n),
  '&#': (n) => rep('&#', n),
  '&#x': (n) => rep('&#x', n),
  '&#1': (n) => rep('&#1', n),
  '&#99999999;': (n) => rep('&#99999999;', n),
  '&aaa…': (n) => `&${rep('a', n - 1)}`,
  '&amp;': (n) => rep('&amp;', n),
  '&': (n) => rep('&', n),
  ']]>': (n) => rep(']]>', n),
  '*': (n) => rep('*', n),
  '*a': (n) => rep('*a', n),
  'a*': (n) => rep('a*', n),
  '**a': (n) => rep('**a', n),
  '* a': (n) => rep('* a', n),
  _: (n) => rep('_', n),
  _a: (n) => rep('_a', n),
  a_: (n) => rep('a_', n),
  __a: (n) => rep('__a', n),
  '*_': (n) => rep('*_', n),
  '*a_': (n) => rep('*a_', n),
  '_*a': (n) => rep('_*a', n),
  '*a**': (n) => rep('*a**', n),
  '***a': (n) => rep('***a', n),
  '~': (n) => rep('~', n),
  '~a': (n) => rep('~a', n),
  '~~a': (n) => rep('~~a', n),
  '`': (n) => rep('`', n),
  '`a': (n) => rep('`a', n),
  '``a`': (n) => rep('``a`', n),
  'backtick ladder': (n) => seq((i) => `${'`'.repeat((i % 50) + 1)}a`, n),
  '[': (n) => rep('[', n),
  ']': (n) => rep(']', n),
  '[a': (n) => rep('[a', n),
  '[]': (n) => rep('[]', n),
  '[a](': (n) => rep('[a](', n),
  '[a](b': (n) => rep('[a](b', n),
  '](': (n) => rep('](', n),
  '![': (n) => rep('![', n),
  '[a][': (n) => rep('[a][', n),
  '[[[a]]](x)': (n) => `${rep('[', n / 2 - 4)}a${rep(']', n / 2 - 4)}(x)`,
  '[a]((((': (n) => `[a](${rep('(', n - 4)}`,
  '[a](<': (n) => rep('[a](<', n),
  '*[': (n) => rep('*[', n),
  '[*': (n) => rep('[*', n),
  '[`': (n) => rep('[`', n),
  '(': (n) => rep('(', n),
  '\\': (n) => rep('\\', n),
  '\\*': (n) => rep('\\*', n),
  '<http://': (n) => `<http://${rep('a', n - 8)}`,
  '<a@b': (n) => rep('<a@b', n),
  'http://a ': (n) => rep('http://a.b ', n),
  'www.': (n) => rep('www.', n),
  'www.a)': (n) => `www.a${rep(')', n - 5)}`,
  'www.a.': (n) => `www.a${rep('.', n - 5)}`,
  'www.a(': (n) => `www.a${rep('(', n - 5)}`,
  'www.a&': (n) => `www.a${rep('&a', n - 5)}`,
  'http://a_': (n) => `http://a${rep('_', n - 8)}`,
  'a@': (n) => rep('a@', n),
  'a@a.': (n) => rep('a@a.', n),
  'a.a@': (n) => `${rep('a.', n - 4)}@a.b`,
  'mailto:': (n) => rep('mailto:', n),
  '|': (n) => rep('|', n),
  '|a': (n) => rep('|a', n),
  '#': (n) => rep('#', n),
  ' ': (n) => `a${rep(' ', n - 2)}b`,
  '\\t': (n) => `a${rep('\t', n - 2)}b`,
  ' \\t': (n) => `a${rep(' \t', n - 2)}b`,
  nbsp: (n) => `a${rep('\u00a0', n - 2)}b`,
  'spaces then <': (n) => `a${rep(' ', n - 3)}<b`,
  'spaces no >': (n) => `a <${rep(' ', n - 3)}`,
  'a  \\n': (n) => rep('a  \n', n),
  'a\\\\\\n': (n) => rep('a\\\n', n),
  '!.,;:': (n) => rep('!.,;:', n),
  'combining marks': (n) => `a${rep('\u0301\u0316', n - 1)}`,
  'zero width': (n) => `a${rep('\u200b', n - 1)}`,
  'bidi controls': (n) => `a${rep('\u202e', n - 1)}`,
  emoji: (n) => rep('🎉', n),
  CJK: (n) => rep('中文報道', n),
  'C1 controls': (n) => rep('a\u0085', n),
  'a,': (n) => rep('a,', n),
  'distinct tags': (n) => seq((i) => `t${i},`, n),
};

/**
 * Shapes no one thought of: runs of 2–5 characters drawn (seeded, the same every run) from
 * the ones parsers care about, plus line breaks, tabs and a few non-ASCII ones.
 */
function fuzzUnits(): Record<string, (n: number) => string> {
  const alphabet = [...'*_`[]()<>!&#\\~|-=:"\';{}+$%^?,./@ \t\n\rawh1é\u0301\u00a0'];
  const random = prng(13);
  const units: Record<string, (n: number) => string> = {};
  for (let i = 0; i < 60; i += 1) {
    let unit = '';
    for (let length = 2 + Math.floor(random() * 4); unit.length < length; )
      unit += alphabet[Math.floor(random() * alphabet.length)];
    units[`fuzz ${JSON.stringify(unit)}`] = (n) => rep(unit, n);
  }
  return units;
}

/** Markdown block structures of about `n` characters. */
const BLOCKS: Readonly<Record<string, (n: number) => string>> = {
  '> on one line': (n) => `${rep('>', n)} a`,
  '> > on one line': (n) => `${rep('> ', n)}a`,
  '> lines': (n) => rep('> a\n', n),
  '> lazy lines': (n) => `> a\n${rep('a\n', n)}`,
  '> ladder': (n) => seq((i) => `${'>'.repeat((i % 300) + 1)} a\n`, n),
  '- nested ladder': (n) => seq((i) => `${'  '.repeat(i % 700)}- a\n`, n),
  '- - on one line': (n) => `${rep('- ', n)}a`,
  '1. 1. on one line': (n) => `${rep('1. ', n)}a`,
  '> - on one line': (n) => `${rep('> - ', n)}a`,
  '- items': (n) => rep('- a\n', n),
  '- loose items': (n) => rep('- a\n\n', n),
  '1. items': (n) => seq((i) => `${i + 1}. a\n`, n),
  '- [ ] tasks': (n) => rep('- [ ] a\n', n),
  '- lazy item': (n) => `- a\n${rep('a\n', n)}`,
  '- item then indented lines': (n) => `- a\n${rep('  a\n', n)}`,
  'table wide': (n) => `|${rep('a|', n / 2)}\n|${rep('-|', n / 2)}\n`,
  'table tall': (n) => `|a|b|\n|-|-|\n${rep('|a|b|\n', n)}`,
  'table wide rows': (n) => `|a|b|\n|-|-|\n${rep(`|${'a|'.repeat(500)}\n`, n)}`,
  'table header only, many pipes': (n) => `${rep('|', n / 2)}\n${rep('|-', n / 2)}`,
  'table \\| cells': (n) => `|a|b|\n|-|-|\n|${rep('\\|', n)}|\n`,
  '``` lines': (n) => rep('```\n', n),
  '``` unclosed': (n) => `\`\`\`\n${rep('a\n', n)}`,
  '``` info string': (n) => `\`\`\`${rep('a', n)}\nb\n\`\`\``,
  '~~~ lines': (n) => rep('~~~a\n', n),
  '```` ladder': (n) => seq((i) => `${'`'.repeat((i % 40) + 3)}\n`, n),
  'indented code': (n) => rep('    a\n', n),
  '<div> lines': (n) => rep('<div>\n', n),
  '<!-- lines': (n) => rep('<!--\n', n),
  '<!-- unclosed block': (n) => `<!--\n${rep('a\n', n)}`,
  '<? lines': (n) => rep('<?\n', n),
  '<![CDATA[ lines': (n) => rep('<![CDATA[\n', n),
  '<a lines': (n) => rep('<a\n', n),
  '<div lines': (n) => rep('<div\n', n),
  '<script> unclosed block': (n) => `<script>\n${rep('a\n', n)}`,
  '<pre> lines': (n) => rep('<pre>\n', n),
  'setext =': (n) => `a\n${rep('=', n)}`,
  'setext -': (n) => `a\n${rep('-', n)}`,
  'setext pairs': (n) => rep('a\n=\n', n),
  '# lines': (n) => rep('# a\n', n),
  '###### run': (n) => `${rep('#', n)} a`,
  '# a # # #': (n) => `# a${rep(' #', n)}`,
  '# then spaces': (n) => `# ${rep(' ', n)}a`,
  'spaces then #': (n) => `${rep(' ', n)}# a`,
  'first line spaces': (n) => `${rep(' ', n)}\n\n# a\n`,
  'first line tabs': (n) => `${rep('\t', n)}\nb`,
  '* * * hr': (n) => rep('* ', n),
  '--- hr run': (n) => rep('-', n),
  'blank lines': (n) => `a${rep('\n', n)}b`,
  'space lines': (n) => `a\n${rep(' \n', n)}b`,
  'tab lines': (n) => `a\n${rep('\t\n', n)}b`,
  'paragraphs a': (n) => rep('a\n\n', n),
  'empty span paragraphs': (n) => rep('<span></span>\n\n', n),
  'br paragraphs': (n) => rep('<br>\n\n', n),
  'hard breaks': (n) => rep('a  \n', n),
  'link definitions': (n) =>
    `${seq((i) => `[d${i}]: /u${i}\n`, n / 2)}\n${seq((i) => `[d${i}] `, n / 2)}`,
  'link definition unclosed title': (n) => `[a]: /u "${rep('a\n', n)}`,
  '[a]: < lines': (n) => rep('[a]: <\n', n),
  'same definition': (n) => `${rep('[a]: /u\n', n)}\n[a]`,
  'reference links': (n) => `[b]: /x\n\n${rep('[a][b] ', n)}`,
  'shortcut refs': (n) => `[b]: /x\n\n${rep('[b]', n)}`,
  'emphasis per line': (n) => rep('*a\n', n),
  'footnote-like': (n) => rep('[^a]: b\n', n),
};

const JSON_PATTERNS: Readonly<Record<string, (n: number) => string>> = {
  'deep arrays': (n) => `{"title":"T","x":${rep('[', n / 2)}${rep(']', n / 2)}}`,
  'deep arrays unclosed': (n) => `{"title":"T","x":${rep('[', n)}`,
  'deep objects': (n) => `{"title":"T","x":${rep('{"a":', n / 6)}1${rep('}', n / 6)}}`,
  'deep tags': (n) => `{"title":"T","tags":${rep('[', n / 2)}${rep(']', n / 2)}}`,
  'deep author': (n) => `{"title":"T","author":${rep('{"name":', n / 9)}1${rep('}', n / 9)}}`,
  'many unknown keys': (n) => `{"title":"T",${seq((i) => `"k${i}":1,`, n)}"z":1}`,
  'many tags': (n) => `{"title":"T","tags":[${seq((i) => `"t${i}",`, n)}"z"]}`,
  'many equal tags': (n) => `{"title":"T","tags":[${rep('"a",', n)}"z"]}`,
  'many empty tags': (n) => `{"title":"T","tags":[${rep('"",', n)}"z"]}`,
  'many authors': (n) => `{"title":"T","authors":[${seq((i) => `"A${i} <a${i}@b.co>",`, n)}"z"]}`,
  'many author objects': (n) =>
    `{"title":"T","authors":[${seq((i) => `{"name":"A${i}","url":"/a${i}"},`, n)}"z"]}`,
  'many bad author emails': (n) =>
    `{"title":"T","authors":[${seq((i) => `{"name":"A${i}","email":"x${i}"},`, n)}"z"]}`,
  'many bad author urls': (n) =>
    `{"title":"T","authors":[${seq((i) => `{"name":"A${i}","url":"javascript:${i}"},`, n)}"z"]}`,
  'many empty paragraphs': (n) => `{"title":"T","content":"${rep('<p></p>', n)}"}`,
  'many blank paragraphs': (n) => `{"title":"T","content":"${rep('<p> </p>', n)}"}`,
  'many <p><b></b></p>': (n) => `{"title":"T","content":"${rep('<p><b></b></p>', n)}"}`,
  'many <p><br></p>': (n) => `{"title":"T","content":"${rep('<p><br></p>', n)}"}`,
  'many <p>&nbsp;</p>': (n) => `{"title":"T","content":"${rep('<p>&nbsp;</p>', n)}"}`,
  'many <p><script>': (n) => `{"title":"T","content":"${rep('<p><script>a</script></p>', n)}"}`,
  'escaped controls': (n) => `{"title":"T","text":"${rep('a\\u0001', n)}"}`,
  'lone surrogates': (n) => `{"title":"T","content":"${rep('\\ud800', n)}"}`,
  'big number': (n) => `{"title":"T","x":1${rep('9', n)}}`,
  'big exponent': (n) => `{"title":"T","x":1e${rep('9', n)}}`,
  'error at the end': (n) => `{"title":"T","x":"${rep('a', n)}"`,
  'newlines then error': (n) => `{"title":"T",${rep('\n', n)}x`,
  'text paragraphs': (n) => `{"title":"T","text":"${rep('a\\n\\n', n)}"}`,
  'text CR runs': (n) => `{"title":"T","text":"${rep('\\r', n)}a"}`,
  'text space lines': (n) => `{"title":"T","text":"${rep(' \\n', n)}a"}`,
  'huge title then error': (n) => `{"title":"${rep('a', n)}",`,
};

const YAML_PATTERNS: Readonly<Record<string, (n: number) => string>> = {
  'flow [ deep': (n) => `x: ${rep('[', n)}`,
  'flow { deep': (n) => `x: ${rep('{a: ', n)}`,
  'flow [ ] balanced': (n) => `x: ${rep('[', n / 2)}${rep(']', n / 2)}`,
  'block nesting': (n) => seq((i) => `${' '.repeat(i)}a:\n`, n),
  '- - - one line': (n) => `x:\n${rep('- ', n)}a`,
  'billion laughs': () =>
    [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from({ length: 9 }, (_, i) => {
        const prev = String.fromCharCode(97 + i);
        return `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${prev}`).join(',')}]`;
      }),
      'title: *j',
    ].join('\n'),
  'many aliases': (n) => `title: &a T\n${seq((i) => `k${i}: *a\n`, n)}`,
  'many anchors': (n) => `title: T\n${seq((i) => `k${i}: &a${i} x\n`, n)}`,
  'many keys': (n) => `title: T\n${seq((i) => `k${i}: v\n`, n)}`,
  'long plain scalar': (n) => `title: ${rep('a', n)}`,
  'long plain scalar spaces': (n) => `title: a${rep(' ', n)}b`,
  'dq escapes': (n) => `title: "${rep('\\"', n)}"`,
  'dq unclosed': (n) => `title: "${rep('a', n)}`,
  'sq unclosed lines': (n) => `title: '${rep('a\n', n)}`,
  'folded lines': (n) => `title: >\n${rep('  a\n', n)}`,
  'literal lines': (n) => `title: |\n${rep('  a\n', n)}`,
  comments: (n) => `title: T\n${rep('# c\n', n)}`,
  'merge keys': (n) => `b: &b {x: 1}\ntitle: T\n${seq((i) => `k${i}: {<<: *b}\n`, n)}`,
  'tags !!str': (n) => `title: T\n${seq((i) => `k${i}: !!str a\n`, n)}`,
  'complex keys': (n) => `title: T\n${seq((i) => `? k${i}\n: b\n`, n)}`,
  'errors a: b: c': (n) => rep('a: b: c\n', n),
  'tab indentation': (n) => `title: T\nx:\n${rep('\t- a\n', n)}`,
  'tags list': (n) => `title: T\ntags:\n${seq((i) => `  - t${i}\n`, n)}`,
  'tags commas': (n) => `title: T\ntags: ${rep(',', n)}a`,
  'authors list': (n) => `title: T\nauthors:\n${seq((i) => `  - A${i} <a${i}@b.co>\n`, n)}`,
  'author spaces': (n) => `title: T\nauthor: "a${rep(' ', n)}b"`,
  'date junk': (n) => `title: T\ndate: "Thu, ${rep(' ', n)}"`,
  'date digits': (n) => `title: T\ndate: "${rep('1', n)}"`,
  'date parens': (n) => `title: T\ndate: "19 Dec 2019 10:00 +0000 (${rep('(', n)}"`,
  'language long': (n) => `title: T\nlanguage: "${rep('en-', n)}"`,
  'id long': (n) => `title: T\nid: "${rep('a/', n)}"`,
  'link long': (n) => `title: T\nlink: "http://a/${rep('%', n)}"`,
};

/** Values for the one-line fields (dates, URLs, id, language), of about `n` characters. */
const FIELD_VALUES: Readonly<Record<string, (n: number) => string>> = {
  'RFC 2822 date, spaces inside': (n) => `19 Dec 2019 10:00${rep(' ', n - 20)}x`,
  'RFC 2822 date, spaces and zone': (n) => `Thu, 19 Dec 2019 10:00${rep(' ', n - 30)}+0000 x`,
  'RFC 2822 date, open comment': (n) => `19 Dec 2019 10:00 (${rep('(', n - 20)}`,
  'ISO date, spaces inside': (n) => `2019-12-19T${rep(' ', n - 12)}x`,
  'ISO date, digits': (n) => `2019-12-19T10:00:00.${rep('1', n - 20)}`,
  'spaces then x': (n) => `${rep(' ', n - 1)}x`,
  'tabs and spaces': (n) => `a${rep(' \t', n - 2)}b`,
  'slashes and dots': (n) => rep('./', n),
  dashes: (n) => rep('-', n),
  'percent escapes': (n) => `https://a.example/${rep('%', n)}`,
  'long host': (n) => `https://${rep('a.', n)}example/`,
  'language subtags': (n) => rep('en-', n),
  'unicode letters': (n) => rep('ж', n),
};
const ONE_LINE_FIELDS = ['date', 'updated', 'image', 'link', 'language', 'id'] as const;

/** Fields of a JSON article an INLINE pattern is put into. */
const JSON_FIELDS = ['content', 'title', 'summary', 'text', 'tags', 'author', 'x'] as const;
/** Fields of Markdown front matter an INLINE pattern is put into (64 KiB at most). */
const FRONT_MATTER_FIELDS = ['title', 'summary', 'tags', 'author'] as const;

const encoder = new TextEncoder();
const bytesOf = (text: string) => encoder.encode(text);

/** Builds with `make(n)` for the largest n whose UTF-8 fits in `size` bytes (roughly). */
function sized(make: (n: number) => string, size: number): Uint8Array {
  let n = size;
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const bytes = bytesOf(make(n));
    if (bytes.length <= size) return bytes;
    n = Math.floor((n * size) / bytes.length) - 16;
  }
  return bytesOf(make(n)).subarray(0, size);
}

const FM_BYTES = 60 * 1024;
/** Front matter of about 60 KiB, then plain prose up to `size`. */
function frontMatterFile(yaml: (n: number) => string, size: number): Uint8Array {
  const front = new TextDecoder().decode(sized(yaml, FM_BYTES));
  const head = `---\n${front}\n---\n\n`;
  return sized((n) => head + rep(PROSE, n - head.length), size);
}

function jsonField(field: string, value: string): string {
  const title = field === 'title' ? value : 'T';
  const rest: Record<string, unknown> = { content: '<p>Body.</p>' };
  if (field !== 'title') rest[field] = value;
  return JSON.stringify({ title, ...rest });
}

function uploads(size: number, label: string): ParseShape[] {
  const shapes: ParseShape[] = [];
  const add = (name: string, key: string, make: () => Uint8Array) =>
    shapes.push({
      name: `${name} ×${label}`,
      make: () => ({ key: `articles/bench/${key}`, bytes: make() }),
    });
  for (const [pattern, make] of Object.entries(fuzzUnits())) {
    add(`md body: ${pattern}`, 'a.md', () => sized((n) => `# T\n\n${make(n - 5)}`, size));
    add(`md heading: ${pattern}`, 'a.md', () => sized((n) => `# ${make(n - 2)}\n\nBody.`, size));
    add(`md list item: ${pattern}`, 'a.md', () => sized((n) => `# T\n\n- ${make(n - 7)}`, size));
    add(`md quote: ${pattern}`, 'a.md', () => sized((n) => `# T\n\n> ${make(n - 7)}`, size));
    add(`json content: ${pattern}`, 'a.json', () =>
      sized((n) => jsonField('content', make(n)), size),
    );
    add(`txt body: ${pattern}`, 'a.txt', () => sized((n) => `T\n\n${make(n - 3)}`, size));
  }
  for (const [pattern, make] of Object.entries(INLINE)) {
    add(`md body: ${pattern}`, 'a.md', () => sized((n) => `# T\n\n${make(n - 5)}`, size));
    add(`md heading: ${pattern}`, 'a.md', () => sized((n) => `# ${make(n - 2)}\n\nBody.`, size));
    add(`md list item: ${pattern}`, 'a.md', () => sized((n) => `# T\n\n- ${make(n - 7)}`, size));
    add(`md quote: ${pattern}`, 'a.md', () => sized((n) => `# T\n\n> ${make(n - 7)}`, size));
    add(`txt title: ${pattern}`, 'a.txt', () => sized((n) => make(n), size));
    add(`txt body: ${pattern}`, 'a.txt', () => sized((n) => `T\n\n${make(n - 3)}`, size));
    for (const field of JSON_FIELDS) {
      add(`json ${field}: ${pattern}`, 'a.json', () =>
        sized((n) => jsonField(field, make(n)), size),
      );
    }
    for (const field of FRONT_MATTER_FIELDS) {
      const yaml = (n: number) =>
        `${field === 'title' ? '' : 'title: T\n'}${field}: ${JSON.stringify(make(n))}`;
      add(`md front matter ${field}: ${pattern}`, 'a.md', () => frontMatterFile(yaml, size));
    }
  }
  for (const [pattern, make] of Object.entries(FIELD_VALUES)) {
    for (const field of ONE_LINE_FIELDS) {
      add(`json ${field}: ${pattern}`, 'a.json', () =>
        sized((n) => jsonField(field, make(n)), size),
      );
      const yaml = (n: number) => `title: T\n${field}: ${JSON.stringify(make(n))}`;
      add(`md front matter ${field}: ${pattern}`, 'a.md', () => frontMatterFile(yaml, size));
    }
  }
  for (const [pattern, make] of Object.entries(BLOCKS)) {
    add(`md blocks: ${pattern}`, 'a.md', () => sized((n) => `# T\n\n${make(n - 5)}`, size));
    add(`md first block: ${pattern}`, 'a.md', () => sized((n) => make(n), size));
    add(`txt blocks: ${pattern}`, 'a.txt', () => sized((n) => `T\n\n${make(n - 3)}`, size));
  }
  for (const [pattern, make] of Object.entries(JSON_PATTERNS)) {
    add(`json: ${pattern}`, 'a.json', () => sized(make, size));
  }
  for (const [pattern, make] of Object.entries(YAML_PATTERNS)) {
    add(`md front matter: ${pattern}`, 'a.md', () => frontMatterFile(make, size));
    add(`md front matter over 64 KiB: ${pattern}`, 'a.md', () =>
      sized((n) => `---\n${make(n - 12)}\n---\nb`, size),
    );
  }
  for (const [name, key, make] of special(size)) add(name, key, make);
  return shapes;
}

/** Encodings, line endings, and lines that repeat a title. */
function special(size: number): [string, string, () => Uint8Array][] {
  const utf16 = (text: string, bigEndian: boolean) => () => {
    const units = Math.floor((size - 2) / 2);
    const body = text.slice(0, units);
    const out = new Uint8Array(2 + body.length * 2);
    out.set(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]);
    for (let i = 0; i < body.length; i += 1) {
      const unit = body.charCodeAt(i);
      out[2 + i * 2 + (bigEndian ? 1 : 0)] = unit & 0xff;
      out[2 + i * 2 + (bigEndian ? 0 : 1)] = unit >> 8;
    }
    return out;
  };
  const bytes =
    (make: (i: number) => number, head = 'T\n\n') =>
    () => {
      const out = new Uint8Array(size);
      out.set(bytesOf(head));
      for (let i = head.length; i < size; i += 1) out[i] = make(i);
      return out;
    };
  const text = (make: (n: number) => string) => () => sized(make, size);
  return [
    ['txt: windows-1252 high bytes', 'a.txt', bytes((i) => 0x80 + (i % 128))],
    ['txt: windows-1252 every other byte', 'a.txt', bytes((i) => (i % 2 ? 0x93 : 0x61))],
    ['md: windows-1252 smart quotes', 'a.md', bytes((i) => (i % 3 ? 0x61 : 0x93), '# T\n\n')],
    ['txt: truncated UTF-8 sequences', 'a.txt', bytes((i) => (i % 2 ? 0xe2 : 0x82))],
    ['txt: UTF-16LE <a', 'a.txt', utf16(`T\n\n${rep('<a', size)}`, false)],
    ['md: UTF-16BE *a', 'a.md', utf16(`# T\n\n${rep('*a', size)}`, true)],
    [
      'json: UTF-16LE <a content',
      'a.json',
      utf16(`{"title":"T","content":"${rep('<a', size)}`, false),
    ],
    [
      'txt: UTF-16LE odd length',
      'a.txt',
      () => utf16(`T\n\n${rep('a', size)}`, false)().subarray(0, size - 1),
    ],
    ['txt: CRLF runs', 'a.txt', text((n) => `T${rep('\r\n', n)}a`)],
    ['txt: CR runs', 'a.txt', text((n) => `T${rep('\r', n)}a`)],
    ['txt: 9% control characters', 'a.txt', text((n) => `T\n\n${rep('aaaaaaaaaaaa\u0001', n)}`)],
    [
      'txt: punctuation title repeated',
      'a.txt',
      text((n) => `${rep('!', n / 2)}a\n${rep('a\n', n / 2)}`),
    ],
    [
      'txt: combining title repeated',
      'a.txt',
      text((n) => `a${rep('\u0301\u0316', n / 4)}\n${rep('a\n', n / 2)}`),
    ],
    ['txt: title repeated', 'a.txt', text((n) => rep('Headline\n', n))],
    ['txt: long tag line', 'a.txt', text((n) => `T\n\nBody.\n\n${rep('a, ', n)}`)],
    ['txt: blank first lines', 'a.txt', text((n) => `${rep(' \n', n)}T`)],
    ['md: blank first lines', 'a.md', text((n) => `${rep(' \n', n)}# T`)],
    ['md: --- then no close', 'a.md', text((n) => `---\n${rep('a\n', n)}`)],
    ['md: --- lines', 'a.md', text((n) => rep('---\n', n))],
    ['md: +++ first', 'a.md', text((n) => `+++\n${rep('a\n', n)}`)],
    ['md: prose', 'a.md', text((n) => `# T\n\n${rep(`${PROSE}\n\n`, n)}`)],
    [
      'json: prose',
      'a.json',
      text((n) => JSON.stringify({ title: 'T', text: rep(`${PROSE}\n\n`, n) })),
    ],
    ['txt: prose', 'a.txt', text((n) => `T\n\n${rep(`${PROSE}\n\n`, n)}`)],
    ['txt: short paragraphs', 'a.txt', text((n) => `T\n\n${rep('A sentence.\n\n', n)}`)],
    ['md: short paragraphs', 'a.md', text((n) => `# T\n\n${rep('A sentence.\n\n', n)}`)],
    [
      'md: links in paragraphs',
      'a.md',
      text((n) => `# T\n\n${rep('See [the report](https://a.example/r) now.\n\n', n)}`),
    ],
    [
      'json: paragraphs of links',
      'a.json',
      text((n) =>
        JSON.stringify({ title: 'T', content: rep('<p>See <a href="/r">it</a>.</p>', n) }),
      ),
    ],
  ];
}

const SIZES = [
  { bytes: 128 * 1024, label: '128KiB' },
  { bytes: MAX_ARTICLE_BYTES, label: '1MiB' },
];

/** Every shape, at every size; `only` filters by name (a substring). */
export function parseShapes(only?: string): ParseShape[] {
  const all = SIZES.flatMap(({ bytes, label }) => uploads(bytes, label));
  return only ? all.filter((shape) => shape.name.includes(only)) : all;
}
