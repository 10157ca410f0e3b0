import { describe, expect, it } from 'vitest';
import {
  collapseWhitespace,
  htmlToText,
  paragraphsToHtml,
  plainLine,
  plainTitle,
  quote,
  removeXmlForbidden,
  sameHeadline,
  splitParagraphs,
  summarize,
  truncateAtWord,
} from '../../../shared/articles/text.ts';
import { rejectionOf } from './helpers.ts';

describe('removeXmlForbidden', () => {
  const forbidden = [
    ...Array.from({ length: 9 }, (_, i) => i),
    0x0b,
    0x0c,
    ...Array.from({ length: 18 }, (_, i) => 0x0e + i),
    0x7f,
    0x80,
    0x85,
    0x9f,
    0xfffe,
    0xffff,
  ];

  it.each(forbidden.map((code) => [`U+${code.toString(16).padStart(4, '0')}`, code]))(
    'removes %s',
    (_, code) => {
      expect(removeXmlForbidden(`a${String.fromCharCode(code as number)}b`)).toBe('ab');
    },
  );

  it.each([
    ['a lone high surrogate', 'a\ud800b', 'ab'],
    ['a lone low surrogate', 'a\udc00b', 'ab'],
    ['a reversed pair', 'a\udc00\ud800b', 'ab'],
    ['a valid pair (emoji)', 'a🎉b', 'a🎉b'],
    ['tab, LF and CR', 'a\tb\nc\rd', 'a\tb\nc\rd'],
    ['U+FFFD and U+FEFF', 'a\ufffd\ufeffb', 'a\ufffd\ufeffb'],
    ['RTL text', 'مرحبا שלום', 'مرحبا שלום'],
  ])('handles %s', (_, input, expected) => {
    expect(removeXmlForbidden(input)).toBe(expected);
  });
});

describe('collapseWhitespace and plainLine', () => {
  it('collapses every kind of whitespace and trims', () => {
    expect(collapseWhitespace(' a\t\tb\n\nc\u00a0\u2003d\u3000 ')).toBe('a b c d');
  });

  it('joins hard-wrapped Chinese and Japanese lines with no space, and keeps an ideographic space', () => {
    expect(
      collapseWhitespace('大雨が降り続き、\n気象台は警報を発表しました。\r\n鉄道は\n  止まった'),
    ).toBe('大雨が降り続き、気象台は警報を発表しました。鉄道は止まった');
    expect(collapseWhitespace('ＮＨＫ速報\u3000東京で  地震\t発生')).toBe(
      'ＮＨＫ速報\u3000東京で 地震 発生',
    );
    // A break between CJK and anything else, or within Korean, is a space.
    expect(collapseWhitespace('東京\nTokyo\n大阪 and\n京都')).toBe('東京 Tokyo 大阪 and 京都');
    expect(collapseWhitespace('서울에서\n비가 온다')).toBe('서울에서 비가 온다');
    // A Han character beyond the first plane (two code units) is one too.
    expect(collapseWhitespace('\u{20bb7}\n野家')).toBe('\u{20bb7}野家');
    expect(collapseWhitespace('\u3000一\u3000\u3000二\u3000')).toBe('一 二');
  });

  it('drops bidi overrides and isolates from a one-line field', () => {
    expect(plainLine('\u202eevil\u202c \u2067x\u2069 \u200fmark')).toBe('evil x \u200fmark');
  });
});

describe('truncateAtWord', () => {
  it.each([
    ['short text', 'short text', 20, 'short text'],
    ['cuts at the last word boundary', 'the quick brown fox jumps', 18, 'the quick brown…'],
    ['drops punctuation before the ellipsis', 'one, two, three, four', 16, 'one, two, three…'],
    ['hard-cuts one long word', 'a'.repeat(50), 10, `${'a'.repeat(9)}…`],
    ['keeps a full word ending at the cut', 'abcd efgh ijkl', 10, 'abcd efgh…'],
  ])('%s', (_, input, max, expected) => {
    expect(truncateAtWord(input, max)).toBe(expected);
  });

  it('never cuts inside a character as readers see it: a ZWJ emoji, a flag, a letter and its marks', () => {
    const family = '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}';
    for (const [text, max] of [
      [`ab ${family.repeat(10)}`, 14],
      [`ab ${'\u{1f1ef}\u{1f1f5}'.repeat(10)}`, 10],
      [`x ${'\u0915\u094d\u200d\u0937'.repeat(20)}`, 9],
      [`a ${'\u0628\u0651\u064e'.repeat(40)}`, 12],
    ] as const) {
      const cut = truncateAtWord(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      const head = cut.slice(0, -1);
      expect(text.startsWith(head)).toBe(true);
      const whole = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)];
      expect(
        whole.some(({ index }) => index === head.length),
        JSON.stringify(cut),
      ).toBe(true);
    }
  });

  it('never splits a flag in a long run of flags (they pair from the run’s start)', () => {
    const flags = '\u{1f1ef}\u{1f1f5}'.repeat(200);
    for (const max of [150, 299, 300, 301]) {
      const head = truncateAtWord(flags, max).slice(0, -1);
      expect(head.length % 4, `${max}`).toBe(0);
    }
  });

  it('cuts Chinese and Japanese text after a sentence or a comma, having no spaces', () => {
    expect(
      truncateAtWord(
        '大雨が降り続き、気象台は大雨警報を発表しました。鉄道各社は運転を見合わせています。東京都内では道路の冠水も',
        40,
      ),
    ).toBe('大雨が降り続き、気象台は大雨警報を発表しました…');
    expect(truncateAtWord('東京都の大雨、鉄道各社は運転を見合わせ', 12)).toBe('東京都の大雨…');
  });

  it('never splits a surrogate pair', () => {
    const cut = truncateAtWord('🎉'.repeat(100), 11);
    expect(cut.isWellFormed()).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(11);
    expect(cut.endsWith('…')).toBe(true);
  });
});

describe('plainTitle and summarize', () => {
  it('bounds a title to 200 characters at a word boundary', () => {
    const title = plainTitle(`${'word '.repeat(100)}end`);
    expect(title.length).toBeLessThanOrEqual(200);
    expect(title).toMatch(/^(word )+word…$/);
  });

  it('makes a title one clean line', () => {
    expect(plainTitle('  Breaking:\n\tnews\u0007 \u202eof\u202c today ')).toBe(
      'Breaking: news of today',
    );
  });

  it('summarizes to about 300 characters', () => {
    const summary = summarize('Lorem ipsum dolor sit amet. '.repeat(40));
    expect(summary.length).toBeLessThanOrEqual(300);
    expect(summary.length).toBeGreaterThan(250);
    expect(summary.endsWith('…')).toBe(true);
  });

  it('leaves a short summary alone', () => {
    expect(summarize('Short.')).toBe('Short.');
  });
});

describe('htmlToText', () => {
  it.each([
    ['decodes entities', 'Tom &amp; Jerry &lt;3 &copy; &#8217;s &nbsp;x', 'Tom & Jerry <3 © ’s x'],
    ['drops tags, keeps text', 'a <b>bold</b> <a href="x">link</a>', 'a bold link'],
    ['drops script and style content', 'a<script>alert(1)</script><style>p{}</style>b', 'ab'],
    ['drops svg and template content', 'a<svg><text>x</text></svg><template>t</template>b', 'ab'],
    [
      'separates blocks',
      '<p>one</p><p>two</p><ul><li>three</li><li>four</li></ul>',
      'one two three four',
    ],
    ['keeps ]]> as text', 'a ]]> b ]]> c', 'a ]]> b ]]> c'],
    ['removes forbidden characters, also from entities', 'a&#1;b\u0001c&#xFFFF;d', 'abcd'],
    [
      'removes noncharacters, also from entities',
      'a\ufdd0b&#xFDEF;c\u{1fffe}d&#x10FFFF;e',
      'abcde',
    ],
    ['survives unclosed tags', '<p>open <em>em <b>b', 'open em b'],
    // An element whose content is dropped takes only its tag when nothing closes it.
    ['keeps the words after an unclosed <script>', 'How <script> tags work', 'How tags work'],
    [
      'keeps the words after unclosed <title>, <textarea>, <svg>',
      'The <TITLE lang=en> tag, <textarea> and <svg/> explained',
      'The tag, and explained',
    ],
    ['drops a closed one before an unclosed one', 'a <style>x</style> b <style> c', 'a b c'],
    ['keeps plain text that only looks odd', '5 < 6 > 4 & AT&T', '5 < 6 > 4 & AT&T'],
  ])('%s', (_, html, text) => {
    expect(htmlToText(html)).toBe(text);
  });

  it('rejects absurdly nested HTML instead of parsing it for minutes', () => {
    const error = rejectionOf(() => htmlToText('<b>'.repeat(100_000), 'title'));
    expect(error.reason).toBe('too-complex');
    expect(error.message).toMatch(/^title: HTML is nested more than 200/);
  });
});

describe('sameHeadline', () => {
  it.each([
    [
      "Libya's internationally recognized gov't ratifies Turkey security deal",
      'Libyas internationally recognized govt ratifies Turkey security deal',
      true,
    ],
    ['Hello, World!', 'hello world', true],
    ['‘Smart’ quotes', "'smart' QUOTES", true],
    ['Hello world', 'Hello world again', false],
    ['🎉', '🎊', false],
    ['🎉', '🎉', true],
  ])('%s ~ %s: %s', (a, b, same) => {
    expect(sameHeadline(a, b)).toBe(same);
  });
});

describe('paragraphs', () => {
  it('splits on blank lines and joins wrapped lines', () => {
    expect(splitParagraphs('one\ntwo\n\n \n\nthree\n   \nfour\n')).toEqual([
      'one two',
      'three',
      'four',
    ]);
  });

  it('escapes plain text into <p> elements', () => {
    expect(paragraphsToHtml(['<b>x</b> & "y"', 'z'])).toBe(
      '<p>&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;</p>\n<p>z</p>',
    );
  });
});

describe('quote', () => {
  it('bounds and cleans values shown in messages', () => {
    expect(quote('a\u0000b')).toBe('"ab"');
    expect(quote('x'.repeat(200))).toBe(`"${'x'.repeat(79)}…"`);
  });
});
