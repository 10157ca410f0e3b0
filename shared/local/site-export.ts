import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { eachLimited } from '../concurrency/each-limited.ts';
import type { MemorySiteBucket } from '../stores/memory-site-bucket.ts';

/** Writes every file of the site bucket into `outDir` as `<outDir>/<path>`; returns the paths. */
export async function exportSite(bucket: MemorySiteBucket, outDir: string): Promise<string[]> {
  const root = resolve(outDir);
  const paths = bucket.paths();
  const targets = paths.map((path) => {
    const target = resolve(root, ...path.split('/'));
    // Paths are the publisher's own; refuse anything that would land outside the folder.
    const inside = relative(root, target);
    if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..')
      throw new Error(`site object "${path}" would be written outside ${root}`);
    return { path, target };
  });
  // Each folder once (a thousand pages share a few), then the files.
  for (const folder of new Set(targets.map(({ target }) => dirname(target))))
    await mkdir(folder, { recursive: true });
  await eachLimited(targets, 16, async ({ path, target }) => {
    await writeFile(target, bucket.file(path)?.body ?? '');
  });
  return paths;
}
