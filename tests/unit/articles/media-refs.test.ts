import { describe, expect, it } from 'vitest';
import { idFromKey } from '../../../shared/articles/object-key.ts';
import { parseArticle } from '../../../shared/articles/parse.ts';
import { guardHtml } from '../../../shared/feeds/html-guard.ts';

const SITE = 'https://news.example.com/';

function parse(key: string, text: string) {
  return parseArticle({ key, body: Buffer.from(text), siteUrl: SITE });
}

describe('relative references resolve against the article’s inbox key', () => {
  const { article, warnings } = parse(
    'articles/2026/12/story.md',
    [
      '---',
      'title: Quay',
      'image: story/lead.jpg',
      'image_alt: The quay at dawn',
      '---',
      '',
      '![A photo](photo.jpg) ![Lead](./story/lead.jpg)',
      '',
      '[Listen](../clips/interview%20one.mp3) and [the notice](https://example.org/n.pdf).',
      '',
      '<img src="../../../etc/x.png" alt="out"> <img src="https://cdn.example.org/a.jpg" alt="ext">',
      '',
      '[Next story](other.html) [Root](/media/quay.jpg)',
    ].join('\n'),
  );

  it('maps media references to their site URLs under media/', () => {
    expect(article.image).toBe(`${SITE}media/2026/12/story/lead.jpg`);
    expect(article.contentHtml).toContain(
      `<img src="${SITE}media/2026/12/photo.jpg" alt="A photo" />`,
    );
    expect(article.contentHtml).toContain(`<img src="${SITE}media/2026/12/story/lead.jpg"`);
    expect(article.contentHtml).toContain(`href="${SITE}media/2026/clips/interview%20one.mp3"`);
    expect(article.mediaKeys).toEqual([
      'articles/2026/12/photo.jpg',
      'articles/2026/12/story/lead.jpg',
      'articles/2026/clips/interview one.mp3',
    ]);
  });

  it('leaves absolute, root-relative and non-media references as they were', () => {
    expect(article.contentHtml).toContain('href="https://example.org/n.pdf"');
    expect(article.contentHtml).toContain('src="https://cdn.example.org/a.jpg"');
    expect(article.contentHtml).toContain(`href="${SITE}articles/2026/12/other.html"`);
    expect(article.contentHtml).toContain(`href="${SITE}media/quay.jpg"`);
  });

  it("links another article's file to that article's page, its fragment kept", () => {
    const { article: linking } = parse(
      'articles/2026/12/story.md',
      '---\ntitle: Q\n---\n\n[B](../11/other-story.md#reactions), [C](c.json), [D](Old%20Notes.TXT), <a href="e.markdown">E</a>\n',
    );
    const hrefs = [...linking.contentHtml.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual([
      `${SITE}articles/2026/11/other-story.html#reactions`,
      `${SITE}articles/2026/12/c.html`,
      `${SITE}articles/${idFromKey('articles/2026/12/Old Notes.TXT')}.html`,
      `${SITE}articles/2026/12/e.html`,
    ]);
    // A picture of a file is no link to its page.
    expect(
      parse('articles/a.md', '---\ntitle: Q\n---\n\n![x](b.md)\n').article.contentHtml,
    ).not.toContain('b.html');
  });

  it('warns of a reference that leaves articles/, without rejecting the story', () => {
    expect(warnings).toEqual([
      'image "../../../etc/x.png" points outside articles/ (to "etc/x.png"): put the file under articles/',
    ]);
  });

  it('resolves against the key, not a file’s own id', () => {
    const own = parse('articles/a/b.md', '---\ntitle: T\nid: x/y/z\n---\n\n![p](p.png)\n');
    expect(own.article.contentHtml).toContain(`src="${SITE}media/a/p.png"`);
    expect(own.article.mediaKeys).toEqual(['articles/a/p.png']);
  });

  it('lists no media for an article without any', () => {
    expect(parse('articles/a.md', '# T\n\ntext\n').article.mediaKeys).toBeUndefined();
  });
});

describe('a reference finds its file as the disk would', () => {
  it('through a doubled slash', () => {
    const { article, warnings } = parse(
      'articles/s.md',
      '---\ntitle: Slash\n---\n\n<img src="a//c.png" alt="c">\n',
    );
    expect(article.mediaKeys).toEqual(['articles/a/c.png']);
    expect(article.contentHtml).toContain(`${SITE}media/a/c.png`);
    expect(warnings).toEqual([]);
  });

  it('by its name composed, however the text spells it (macOS decomposes names)', () => {
    const { article } = parse(
      'articles/s.md',
      '---\ntitle: Café\nimage: cafe\u0301.png\n---\n\n![one](caf\u00e9.png) ![two](cafe\u0301.png)\n',
    );
    expect(article.mediaKeys).toEqual(['articles/caf\u00e9.png']);
    expect(article.image).toBe(`${SITE}media/caf%C3%A9.png`);
    expect(article.contentHtml.split(`${SITE}media/caf%C3%A9.png`)).toHaveLength(3);
  });
});

describe('a player in the text plays an inbox file', () => {
  it('resolves its src and poster as images are, and the page keeps it', () => {
    const { article, warnings } = parse(
      'articles/2026/s.md',
      '---\ntitle: Talk\n---\n\n<video src="s/talk.mp4" poster="s/still.jpg"></video>\n',
    );
    expect(article.mediaKeys).toEqual(['articles/2026/s/talk.mp4', 'articles/2026/s/still.jpg']);
    const player = `<video src="${SITE}media/2026/s/talk.mp4" poster="${SITE}media/2026/s/still.jpg" controls="controls"></video>`;
    expect(article.contentHtml).toContain(player);
    expect(guardHtml(article.contentHtml)).toContain(player);
    expect(warnings).toEqual([]);
  });
});

describe('a player’s <source> files', () => {
  it('resolve like its src: an inbox file is its site URL, and a media file of the article', () => {
    const { article } = parse(
      'articles/2026/12/clip.md',
      [
        '---',
        'title: Clip',
        '---',
        '',
        '<video controls><source src="clip/take.webm" type="video/webm"><source src="clip/take.mp4" type="video/mp4"></video>',
      ].join('\n'),
    );
    expect(article.contentHtml).toContain(
      `<source src="${SITE}media/2026/12/clip/take.webm" type="video/webm" /><source src="${SITE}media/2026/12/clip/take.mp4" type="video/mp4" />`,
    );
    expect(article.mediaKeys).toEqual([
      'articles/2026/12/clip/take.webm',
      'articles/2026/12/clip/take.mp4',
    ]);
    expect(guardHtml(article.contentHtml)).toBe(article.contentHtml);
  });
});

describe('a player’s caption file', () => {
  it('resolves like its video: an inbox .vtt is its site URL, and a media file of the article', () => {
    const { article, warnings } = parse(
      'articles/2026/12/clip.md',
      '---\ntitle: Clip\n---\n\n<video src="clip/take.mp4"><track src="clip/take.en.vtt" kind="captions" srclang="en" label="English"></video>\n',
    );
    expect(article.contentHtml).toContain(
      `<track src="${SITE}media/2026/12/clip/take.en.vtt" kind="captions" srclang="en" label="English" />`,
    );
    expect(article.mediaKeys).toEqual([
      'articles/2026/12/clip/take.mp4',
      'articles/2026/12/clip/take.en.vtt',
    ]);
    expect(warnings).toEqual([]);
    // Named as the lead, a caption file is said to be none.
    const lead = parse('articles/c.md', '---\ntitle: C\nimage: take.vtt\n---\n\nBody.\n');
    expect(lead.article.image).toBeUndefined();
    expect(lead.warnings).toContainEqual(expect.stringMatching(/^"image" names a caption file/));
  });
});

describe('a lead image in the inbox that is no media file', () => {
  it.each([
    ['other.md', ''],
    ['q/lead', ''],
    ['q/', ''],
    ['s/track#1.mp3', '; a "#" in a name starts a fragment: write it %23'],
  ])('%s: no lead (no enclosure of a page or a folder), and the report says why', (image, hint) => {
    const { article, warnings } = parse(
      'articles/2026/12/story.md',
      `---\ntitle: Quay\nimage: "${image}"\nimage_alt: x\n---\n\nBody.\n`,
    );
    expect(article.image).toBeUndefined();
    expect(warnings).toEqual([
      `field "image": dropped: "${image}" is not a media file of the inbox (.jpg .jpeg .png .gif .webp .avif .mp3 .m4a .ogg .oga .mp4 .webm)${hint}`,
    ]);
  });

  it('outside articles/: no lead either, and one warning', () => {
    const { article, warnings } = parse(
      'articles/2026/12/story.md',
      '---\ntitle: Quay\nimage: ../../../../etc/x.jpg\nimage_alt: x\n---\n\nBody.\n',
    );
    expect(article.image).toBeUndefined();
    expect(warnings).toEqual([
      'field "image": "../../../../etc/x.jpg" points outside articles/ (to "etc/x.jpg"): put the file under articles/',
    ]);
  });

  it('a URL or a site path stays the lead it names', () => {
    for (const [image, url] of [
      ['https://cdn.example.org/a.jpg', 'https://cdn.example.org/a.jpg'],
      ['/images/a.jpg', 'https://news.example.com/images/a.jpg'],
    ]) {
      const { article } = parse(
        'articles/2026/12/story.md',
        `---\ntitle: Quay\nimage: "${image}"\nimage_alt: x\n---\n\nBody.\n`,
      );
      expect(article.image).toBe(url);
    }
  });
});
