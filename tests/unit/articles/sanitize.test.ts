import { describe, expect, it } from 'vitest';
import { sanitizeContent } from '../../../shared/articles/sanitize.ts';
import { guardHtml } from '../../../shared/feeds/html-guard.ts';
import { fixture, htmlSafetyProblems, rejectionOf, SITE } from './helpers.ts';

const OWASP: string[] = JSON.parse(fixture('owasp-xss-vectors.json').toString('utf8'));

describe('sanitizeContent against the OWASP filter-evasion cheat sheet', () => {
  it('has the whole corpus', () => {
    expect(OWASP.length).toBeGreaterThan(100);
  });

  it.each(OWASP.map((vector) => [vector]))('neutralizes %s', (vector) => {
    const { html } = sanitizeContent(vector, SITE);
    expect(htmlSafetyProblems(html)).toEqual([]);
    expect(html).not.toMatch(
      /<(?:script|style|iframe|object|embed|svg|math|form|base|meta|link)\b/i,
    );
    expect(html.replace(/="[^"]*"/g, '=""')).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/(?:href|src)="(?!https?:\/\/|mailto:)/i);
    // Stable: sanitizing the output again changes nothing.
    expect(sanitizeContent(html, SITE).html).toBe(html);
  });

  it('tells the editor something was removed for every vector that carried script', () => {
    const silent = OWASP.filter((vector) => /script|on\w+=|style/i.test(vector)).filter(
      // (An image's missing alt text is said too, but it is no script.)
      (vector) =>
        sanitizeContent(vector, SITE).warnings.filter((w) => !w.startsWith('an image has no alt'))
          .length === 0,
    );
    // These are inert as parsed (the "URL" is a relative path, the tag never closes, the
    // markup is a comment, a value merely contains the word): nothing was removed to report.
    expect(silent).toEqual([
      '<IMG SRC=`javascript:alert("RSnake says, \'XSS\'")`>',
      '<IMG SRC= onmouseover="alert(\'xxs\')">',
      '<IMG SRC="`<javascript:alert>`(\'XSS\')"',
      '<iframe src=http://xss.rocks/scriptlet.html <',
      '<img src="x` `<script>alert(1)</script>"` `>',
      "<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->",
      '<![CDATA[<script>alert(1)</script>]]>',
      '<img src="https://ok.example/a.png" alt="&quot; onerror=&quot;alert(1)">',
      '<a href="https://ok.example/?q=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">q</a>',
    ]);
  });
});

describe('sanitizeContent', () => {
  it.each([
    [
      'keeps text markup',
      '<p>Hello <strong>big</strong> <em>world</em></p>',
      '<p>Hello <strong>big</strong> <em>world</em></p>',
    ],
    [
      'makes relative links absolute, with rel',
      '<a href="/about?a=1&amp;b=2#x">about</a>',
      '<a href="https://news.example.com/about?a=1&amp;b=2#x" rel="noopener noreferrer">about</a>',
    ],
    [
      'resolves protocol-relative and path-relative URLs',
      '<a href="//cdn.example.net/x">a</a><a href="x/y">b</a>',
      '<a href="https://cdn.example.net/x" rel="noopener noreferrer">a</a><a href="https://news.example.com/x/y" rel="noopener noreferrer">b</a>',
    ],
    [
      'keeps mailto links',
      '<a href="mailto:desk@example.com">m</a>',
      '<a href="mailto:desk@example.com" rel="noopener noreferrer">m</a>',
    ],
    [
      'replaces rel and drops target',
      '<a href="https://x.example/" rel="opener" target="_blank">x</a>',
      '<a href="https://x.example/" rel="noopener noreferrer">x</a>',
    ],
    [
      'keeps images with absolute src',
      '<img src="/i.png" alt="A &quot;b&quot;" title="t" width="10" height="20">',
      '<img src="https://news.example.com/i.png" alt="A &quot;b&quot;" title="t" width="10" height="20" />',
    ],
    [
      'drops non-numeric sizes',
      '<img src="https://x.example/i.png" width="100%" height="1e9">',
      '<img src="https://x.example/i.png" />',
    ],
    [
      'drops an image whose src goes',
      '<p>a<img src="javascript:alert(1)" alt="x">b</p>',
      '<p>ab</p>',
    ],
    [
      'unwraps a link whose href goes',
      '<p><a href="javascript:alert(1)">text</a></p>',
      '<p>text</p>',
    ],
    [
      'keeps figures and tables',
      '<figure><img src="https://x.example/a.png" alt=""><figcaption>c</figcaption></figure>',
      '<figure><img src="https://x.example/a.png" alt="" /><figcaption>c</figcaption></figure>',
    ],
    [
      'keeps table spans',
      '<table><tr><th scope="col" colspan="2">h</th></tr><tr><td rowspan="2">d</td></tr></table>',
      '<table><tr><th scope="col" colspan="2">h</th></tr><tr><td rowspan="2">d</td></tr></table>',
    ],
    [
      'keeps direction and language',
      '<p dir="rtl" lang="ar">مرحبا</p><p dir="sideways" lang="x y">x</p>',
      '<p dir="rtl" lang="ar">مرحبا</p><p>x</p>',
    ],
    [
      'escapes ]]> in text and attributes',
      '<p title="x">a ]]> b ]]> c</p><img src="https://x.example/]]>" alt="]]>">',
      '<p>a ]]&gt; b ]]&gt; c</p><img src="https://x.example/]]%3E" alt="]]&gt;" />',
    ],
    [
      'removes forbidden characters, raw or as entities',
      '<p>a\u0001b&#1;c&#xFFFE;d\ud800e</p>',
      '<p>abcde</p>',
    ],
    [
      'closes unclosed tags',
      '<p>open <em>emphasis <strong>strong',
      '<p>open <em>emphasis <strong>strong</strong></em></p>',
    ],
    ['drops comments and CDATA', '<p>a<!-- secret -->b<![CDATA[c]]>d</p>', '<p>abd</p>'],
    [
      'drops classes and data attributes quietly; keeps a plain id, the target of #links',
      '<div class="x" id="y" data-z="1">t</div><p id="a b">u</p><h2 id="notes">N</h2>',
      '<div id="y">t</div><p>u</p><h2 id="notes">N</h2>',
    ],
    [
      'keeps the text of unknown layout tags, a centered block as a block',
      '<center><font color="red">old</font></center>',
      '<div>old</div>',
    ],
    [
      'keeps a spoiler closed, isolated bidi text, a date, and old tags as what they mean',
      '<details open><summary>Answer</summary>42</details><bdi>محمد</bdi> <time datetime="2026-12-03">today</time> <strike>9 €</strike> <tt>x</tt> <acronym title="t">T</acronym>',
      '<details><summary>Answer</summary>42</details><bdi>محمد</bdi> <time datetime="2026-12-03">today</time> <s>9 €</s> <code>x</code> <abbr title="t">T</abbr>',
    ],
    [
      "keeps an old anchor (<a name>) as the target of the article's own #links",
      '<a name="part2"></a><h2>Part two</h2><a name="bad name">x</a><a name="1"></a><a name="_ftn2" href="#_ftnref2">[2]</a><a name="café"></a>',
      '<span id="part2"></span><h2>Part two</h2><span>x</span><span id="1"></span><a href="https://news.example.com/#_ftnref2" id="_ftn2" rel="noopener noreferrer">[2]</a><span id="café"></span>',
    ],
  ])('%s', (_, input, expected) => {
    const { html } = sanitizeContent(input, SITE);
    expect(html).toBe(expected);
    expect(htmlSafetyProblems(html)).toEqual([]);
  });

  it.each([
    ['<p>a</p><script>alert(1)</script>', ['removed <script> from content']],
    ['<iframe src="https://evil.example/"></iframe>', ['removed <iframe> from content']],
    [
      '<p onclick="x()" onmouseover="y()">a</p>',
      [
        'removed event-handler attributes (onclick) from content',
        'removed event-handler attributes (onmouseover) from content',
      ],
    ],
    ['<p style="color:red">a</p>', ['removed style attributes from content']],
    [
      '<a href="java&#x09;script:alert(1)">x</a>',
      [
        'removed link from content: "java script:alert(1)" uses javascript: (allowed: http, https, mailto)',
      ],
    ],
    [
      '<img src="data:image/png;base64,AAAA">',
      [
        'removed image from content: "data:image/png;base64,AAAA" uses data: (allowed: http, https)',
      ],
    ],
    [
      '<a href="vbscript:msgbox(1)">x</a>',
      [
        'removed link from content: "vbscript:msgbox(1)" uses vbscript: (allowed: http, https, mailto)',
      ],
    ],
    ['<a href="https://[::1">x</a>', ['removed link from content: "https://[::1" is not a URL']],
    ['<p>clean <b>html</b> <a href="/x">x</a></p>', []],
  ])('warns about what it removed from %s', (input, warnings) => {
    expect(sanitizeContent(input, SITE).warnings).toEqual(warnings);
  });

  it('says where a comment, CDATA section or raw-text element that is never closed hides the rest', () => {
    const cases: [string, string, string][] = [
      [
        '<p>Kept.</p><!-- a note --><p>Kept too.</p><!-- to self\n<p>Lost.</p>',
        '<p>Kept.</p><p>Kept too.</p>',
        'an HTML comment is never closed (-->): nothing from "<!-- to self <p>Lost.</p>…" on is shown',
      ],
      [
        '<p>Kept.</p><![CDATA[ lost',
        '<p>Kept.</p>',
        'a <![CDATA[ section is never closed (]]>): nothing from "<![CDATA[ lost…" on is shown',
      ],
      [
        '<p>Kept.</p><STYLE type="text/css">p {}\n<p>Lost.</p>',
        '<p>Kept.</p>',
        '<style> is never closed: nothing from "<STYLE type="text/css">p {} <p>Lost.</p>…" on is shown',
      ],
    ];
    for (const [input, html, warning] of cases) {
      const sanitized = sanitizeContent(input, SITE);
      expect(sanitized.html).toBe(html);
      expect(sanitized.warnings[0]).toBe(warning);
    }
    // Closed, they hide only themselves, and say nothing of the rest.
    const closed = sanitizeContent('<!-- x --><![CDATA[ y ]]><p>Kept.</p>', SITE);
    expect(closed).toEqual({ html: '<p>Kept.</p>', warnings: [] });
  });

  it('lists at most 20 kinds of removal', () => {
    const links = Array.from(
      { length: 500 },
      (_, i) => `<a href="javascript:alert(${i})">x</a>`,
    ).join('');
    const { warnings } = sanitizeContent(links, SITE);
    expect(warnings).toHaveLength(21);
    expect(warnings.at(-1)).toBe('removed 480 more kinds of content (not listed)');
  });

  it('rejects HTML nested too deeply to parse in time', () => {
    const error = rejectionOf(() => sanitizeContent('<div>'.repeat(300_000), SITE));
    expect(error.reason).toBe('too-complex');
    expect(error.message).toBe(
      'content: HTML is nested more than 200 elements deep (unclosed tags?)',
    );
  });

  it('accepts long but shallow HTML: thousands of unclosed <p> and <li>', () => {
    const html = `${'<p>para'.repeat(5000)}<ul>${'<li>item'.repeat(5000)}</ul>`;
    const { html: out } = sanitizeContent(html, SITE);
    expect(out.match(/<p>/g)?.length).toBe(5000);
    expect(out.match(/<li>/g)?.length).toBe(5000);
  });
});

describe('a player’s captions (<track>)', () => {
  it('are kept: a WebVTT file, its kind, language, label, default; anywhere else removed', () => {
    const { html, warnings } = sanitizeContent(
      '<video src="https://cdn.example.org/a.mp4"><track src="https://cdn.example.org/a.en.vtt" kind="captions" srclang="en" label="English" default onload="x()"><track src="javascript:alert(1)" kind="subtitles"><track src="https://cdn.example.org/m.vtt" kind="metadata"></video><p><track src="https://cdn.example.org/b.vtt"></p>',
      SITE,
    );
    expect(html).toBe(
      '<video src="https://cdn.example.org/a.mp4" controls="controls"><track src="https://cdn.example.org/a.en.vtt" kind="captions" srclang="en" label="English" default="default" /></video><p></p>',
    );
    expect(warnings).toContain(
      'removed <track kind="metadata"> from content (pages show captions, subtitles, descriptions or chapters)',
    );
    // A player with no file to play goes (its text stays), and its captions with it.
    const silent = sanitizeContent(
      '<video><track src="https://cdn.example.org/c.vtt" kind="Captions">Fallback</video>',
      SITE,
    );
    expect(silent.html).toBe('Fallback');
    expect(silent.warnings).toContain(
      'removed <track> from content (its player has no file to play)',
    );
    expect(warnings).toContain(
      'removed <track> from content (captions go in the <video> or <audio> they caption)',
    );
    expect(htmlSafetyProblems(html)).toEqual([]);
    expect(guardHtml(html)).toBe(html);
    expect(guardHtml(html.replace('kind="captions"', 'kind="metadata"'))).not.toContain('<track');
  });
});

describe('a player’s name', () => {
  it('is kept (aria-label), escaped, for a screen reader', () => {
    const { html } = sanitizeContent(
      '<audio src="https://cdn.example.org/ep.mp3" aria-label="Episode 3: &quot;The quay&quot;"></audio>',
      SITE,
    );
    expect(html).toBe(
      '<audio src="https://cdn.example.org/ep.mp3" aria-label="Episode 3: &quot;The quay&quot;" controls="controls"></audio>',
    );
    expect(guardHtml(html)).toBe(html);
  });
});

describe('a player’s <track> that cannot caption', () => {
  const track = (attributes: string) =>
    sanitizeContent(
      `<video src="https://cdn.example.org/v.mp4"><track src="https://cdn.example.org/${attributes}></video>`,
      SITE,
    );
  it('naming a video, an image or audio is removed, saying captions are WebVTT', () => {
    const { html, warnings } = track('clip.mp4" kind="captions" srclang="en"');
    expect(html).toBe('<video src="https://cdn.example.org/v.mp4" controls="controls"></video>');
    expect(warnings).toEqual([
      'removed a <track> naming a video file ("https://cdn.example.org/clip.mp4"): captions are a WebVTT (.vtt) file',
    ]);
  });
  it('of subtitles (its kind by default) without srclang is kept, and said', () => {
    for (const attributes of ['c.vtt" kind="subtitles"', 'c.vtt"']) {
      const { html, warnings } = track(attributes);
      expect(html).toContain('<track src="https://cdn.example.org/c.vtt"');
      expect(warnings).toEqual([
        'a <track> of subtitles has no srclang: players cannot name or pick its language; add srclang="…" (e.g. "fr")',
      ]);
    }
    expect(track('c.vtt" kind="captions"').warnings).toEqual([]);
  });
});

describe('responsive and lazy images', () => {
  it('keeps loading="lazy"; removes srcset and sizes, saying so (their files are not checked or published)', () => {
    const { html, warnings } = sanitizeContent(
      '<img src="https://cdn.example.org/a.jpg" srcset="https://cdn.example.org/a-320.jpg 320w, https://cdn.example.org/a-1600.jpg 1600w" sizes="100vw" loading="LAZY" alt="a"><img src="https://cdn.example.org/b.jpg" loading="auto" alt="b">',
      SITE,
    );
    expect(html).toBe(
      '<img src="https://cdn.example.org/a.jpg" loading="lazy" alt="a" /><img src="https://cdn.example.org/b.jpg" alt="b" />',
    );
    expect(guardHtml(html)).toBe(html);
    expect(warnings).toEqual([
      'removed srcset and sizes from images: the src file is published, to every screen (give src the size that suits most readers)',
    ]);
  });
});

describe('images without alt text', () => {
  it('are said: a screen reader reads the file name; alt="" is a choice, said nothing of', () => {
    const none = sanitizeContent('<img src="https://cdn.example.org/map.png">', SITE);
    expect(none.warnings).toContainEqual(expect.stringMatching(/^an image has no alt text/));
    const decorative = sanitizeContent('<img src="https://cdn.example.org/rule.png" alt="">', SITE);
    expect(decorative.warnings).toEqual([]);
  });
});

describe('players in content (audio, video)', () => {
  it('keeps one with its file, always with controls, never autoplaying or scripted', () => {
    const { html, warnings } = sanitizeContent(
      '<video src="https://cdn.example.org/clip.mp4" poster="http://cdn.example.org/p.jpg" autoplay loop onplay="x()" width="640">fallback</video><audio src="https://cdn.example.org/ep.mp3" preload="auto"></audio><audio src="https://cdn.example.org/b.mp3" preload="metadata"></audio>',
      SITE,
    );
    expect(html).toBe(
      '<video src="https://cdn.example.org/clip.mp4" poster="https://cdn.example.org/p.jpg" loop="loop" width="640" controls="controls">fallback</video><audio src="https://cdn.example.org/ep.mp3" controls="controls"></audio><audio src="https://cdn.example.org/b.mp3" preload="metadata" controls="controls"></audio>',
    );
    expect(htmlSafetyProblems(html)).toEqual([]);
    expect(warnings).toContain('removed event-handler attributes (onplay) from content');
  });

  it('keeps crossorigin as anonymous (captions on another site load only so), never with credentials', () => {
    const player = (attribute: string) =>
      sanitizeContent(
        `<video src="https://cdn.example.org/v.mp4" ${attribute}><track src="https://subs.example.org/v.fr.vtt" kind="subtitles" srclang="fr"></video>`,
        SITE,
      ).html;
    const anonymous =
      '<video src="https://cdn.example.org/v.mp4" crossorigin="anonymous" controls="controls"><track src="https://subs.example.org/v.fr.vtt" kind="subtitles" srclang="fr" /></video>';
    expect(player('crossorigin="anonymous"')).toBe(anonymous);
    expect(player('crossorigin')).toBe(anonymous);
    // Asked with credentials: anonymous, said (its captions then load where the host allows).
    const credentials = sanitizeContent(
      '<video src="https://cdn.example.org/v.mp4" crossorigin="use-credentials"></video>',
      SITE,
    );
    expect(credentials.html).toContain('crossorigin="anonymous"');
    expect(credentials.warnings).toEqual([
      'crossorigin="use-credentials" made "anonymous": no credentials are sent for a story\'s media',
    ]);
    expect(guardHtml(anonymous)).toBe(anonymous);
    expect(guardHtml(anonymous.replace('anonymous', 'use-credentials'))).not.toContain(
      'crossorigin',
    );
  });

  it('keeps the <source> files of one without src (CKEditor, Drupal, a player written by hand)', () => {
    const { html, warnings } = sanitizeContent(
      '<video controls width="640"><source src="https://cdn.example.org/a.webm" type="video/webm"><source src="http://cdn.example.org/a.mp4" type=\'video/mp4; codecs="avc1.4d401e"\' onerror="x()"></source>Download <a href="https://cdn.example.org/a.mp4">the clip</a></video>',
      SITE,
    );
    expect(html).toBe(
      '<video controls="controls" width="640"><source src="https://cdn.example.org/a.webm" type="video/webm" /><source src="https://cdn.example.org/a.mp4" type="video/mp4; codecs=&quot;avc1.4d401e&quot;" />Download <a href="https://cdn.example.org/a.mp4" rel="noopener noreferrer">the clip</a></video>',
    );
    expect(warnings).toContain('removed event-handler attributes (onerror) from content');
    expect(warnings).toContain(
      'video source "http://cdn.example.org/a.mp4": loaded over https (pages load no http video sources)',
    );
    expect(htmlSafetyProblems(html)).toEqual([]);
    expect(guardHtml(html)).toBe(html);
  });

  it("a <source> plays only as a player's child, of a file it may play, of a media type", () => {
    const cases: [string, string][] = [
      // A picture's sources (srcset) are no player's: its <img> stays.
      [
        '<picture><source srcset="https://cdn.example.org/a.avif"><img src="https://cdn.example.org/a.jpg" alt="A"></picture>',
        '<img src="https://cdn.example.org/a.jpg" alt="A" />',
      ],
      ['<p><source src="https://cdn.example.org/a.mp4">text</p>', '<p>text</p>'],
      [
        '<audio><source src="javascript:alert(1)"><source src="data:audio/mp3;base64,AA">Listen elsewhere</audio>',
        'Listen elsewhere',
      ],
      [
        '<audio><source src="https://cdn.example.org/a.ogg" type="text/html"></audio>',
        '<audio controls="controls"><source src="https://cdn.example.org/a.ogg" /></audio>',
      ],
      // Inside a player's fallback element, a source is no child of the player.
      [
        '<video><div><source src="https://cdn.example.org/a.mp4"></div>No player</video>',
        '<div></div>No player',
      ],
    ];
    for (const [given, expected] of cases) {
      const { html } = sanitizeContent(given, SITE);
      expect(html, given).toBe(expected);
      expect(htmlSafetyProblems(html), given).toEqual([]);
    }
    expect(sanitizeContent(cases[1]?.[0] ?? '', SITE).warnings).toContain(
      'removed <source> from content (a file to play goes in <audio> or <video>)',
    );
  });

  it('drops one with no file it may play, keeping its fallback text', () => {
    const { html } = sanitizeContent(
      '<audio src="javascript:alert(1)">Listen elsewhere</audio><video>No player</video>',
      SITE,
    );
    expect(html).toBe('Listen elsewhereNo player');
    const fragment = sanitizeContent('<video src="#top">x</video>', SITE);
    expect(fragment.html).toBe('x');
    expect(fragment.warnings).toEqual(['removed video from content: "#top" names no file']);
  });

  it('is what the page guard accepts, and the guard accepts no player sanitize would not write', () => {
    const { html } = sanitizeContent('<video src="https://cdn.example.org/c.mp4"></video>', SITE);
    expect(guardHtml(html)).toBe(html);
    for (const forged of [
      '<video src="https://cdn.example.org/c.mp4"></video>',
      '<video src="https://cdn.example.org/c.mp4" controls="controls" preload="auto"></video>',
      '<audio src="https://cdn.example.org/c.mp3" controls="controls" loop="yes"></audio>',
      '<video src="javascript:alert(1)" controls="controls"></video>',
      '<video controls="controls"><source src="javascript:alert(1)" /></video>',
      '<video controls="controls"><source src="https://cdn.example.org/c.mp4" type="text/html" /></video>',
      '<video controls="controls"><source src="https://cdn.example.org/c.mp4"></source></video>',
    ])
      expect(guardHtml(forged)).not.toMatch(/<(?:audio|video)/);
  });
});
