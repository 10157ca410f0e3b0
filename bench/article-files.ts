import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ArticleSpec } from './corpus.ts';

/** The bytes an editor would upload for a spec, in its format. */
export function articleFile(spec: ArticleSpec): string {
  if (spec.format === 'txt') {
    // Wire format: headline, paragraphs, and a final tag line (`security deal,`).
    const tagLine = `${spec.tags.join(', ')},`;
    return [spec.title, ...spec.paragraphs, tagLine].join('\n\n');
  }
  const author = spec.author ? `${spec.author.name} <${spec.author.email}>` : undefined;
  if (spec.format === 'json') {
    return JSON.stringify({
      title: spec.title,
      date: spec.date,
      author,
      tags: spec.tags,
      text: spec.paragraphs.join('\n\n'),
    });
  }
  const front = [
    `title: ${JSON.stringify(spec.title)}`,
    ...(spec.date ? [`date: ${spec.date}`] : []),
    ...(author ? [`author: ${JSON.stringify(author)}`] : []),
    `tags: ${JSON.stringify(spec.tags)}`,
  ];
  return `---\n${front.join('\n')}\n---\n\n${spec.paragraphs.join('\n\n')}\n`;
}

/**
 * Writes each article where an editor would drop it in an inbox folder (`<folder>/<key without
 * articles/>`), into every folder given; returns the bytes of one copy.
 */
export function writeArticleFiles(folders: readonly string[], specs: readonly ArticleSpec[]) {
  let bytes = 0;
  for (const spec of specs) {
    const text = articleFile(spec);
    bytes += Buffer.byteLength(text);
    const relative = spec.key.replace(/^articles\//, '');
    for (const folder of folders) {
      mkdirSync(dirname(join(folder, relative)), { recursive: true });
      writeFileSync(join(folder, relative), text);
    }
  }
  return bytes;
}
