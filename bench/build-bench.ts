import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SiteConfig } from '../shared/config/site.ts';
import { writeArticleFiles } from './article-files.ts';
import { generateCorpus } from './corpus.ts';
import { atMost, type Results } from './results.ts';
import { median, round } from './stats.ts';

/**
 * `feedpub build` of an archive against Hugo on the same Markdown files, in the same run
 * (README "Bulk speed"): `build_<n>_s`, `hugo_<n>_s` when `hugo` is on the PATH, and their
 * ratio. Both are timed as a user runs them, a fresh process from start to exit, the median
 * of `runs`. Hugo builds what it calls feeds of the same archive (RSS for the site, every tag
 * and every author, 50 items each); we build RSS, Atom and JSON Feed for those, every page,
 * the index, the tags page and the OPML.
 */

const FEEDPUB = fileURLToPath(new URL('../shared/cli/feedpub.js', import.meta.url));

const HUGO_CONFIG = (site: SiteConfig) => `baseURL = ${JSON.stringify(site.url)}
title = ${JSON.stringify(site.title)}
disableKinds = ["sitemap", "robotsTXT", "404"]
[taxonomies]
  tag = "tags"
  author = "author"
[outputs]
  home = ["RSS"]
  section = ["RSS"]
  taxonomy = ["RSS"]
  term = ["RSS"]
  page = []
[services.rss]
  limit = ${site.itemLimit}
`;

function timed(command: string, args: string[], cwd: string): number {
  const start = performance.now();
  const run = spawnSync(command, args, { cwd, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (run.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  return ms;
}

const hugoInstalled = () => spawnSync('hugo', ['version'], { encoding: 'utf8' }).status === 0;

export async function buildBench(
  results: Results,
  site: SiteConfig,
  { count, seed, runs }: { count: number; seed: number; runs: number },
): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'feedpub-build-bench-'));
  try {
    const inbox = join(root, 'inbox');
    const hugoSite = join(root, 'hugo');
    const bytes = writeArticleFiles(
      [inbox, join(hugoSite, 'content')],
      generateCorpus({ seed, count, folder: 'archive', format: 'md' }),
    );
    writeFileSync(join(hugoSite, 'config.toml'), HUGO_CONFIG(site));
    const corpus = `${count} Markdown articles, ${round(bytes / 1e6, 1)} MB, seed ${seed}`;

    const out = join(root, 'out');
    const summary = join(root, 'summary.json');
    const ours: number[] = [];
    for (let run = 0; run < runs; run++) {
      rmSync(out, { recursive: true, force: true });
      ours.push(
        timed(
          process.execPath,
          [
            FEEDPUB,
            'build',
            '--inbox',
            inbox,
            '--out',
            out,
            '--site-url',
            site.url,
            '--json',
            summary,
          ],
          root,
        ),
      );
    }
    // build --json: `files`, a verdict per input; `written`, the site's files.
    const built = JSON.parse(readFileSync(summary, 'utf8')) as {
      files: { status: string }[];
      written: string[];
    };
    const published = built.files.filter((a) => a.status === 'published').length;
    if (published !== count)
      throw new Error(`feedpub build published ${published} of ${count} articles`);
    const oursS = median(ours) / 1000;
    results.add(`build_${count}_s`, {
      value: round(oursS, 2),
      unit: 's',
      note: `feedpub build, ${corpus}: ${built.written.length} files; median of ${runs} (${ours.map((ms) => round(ms / 1000, 2)).join(', ')} s)`,
    });

    if (!hugoInstalled()) {
      console.error('# hugo is not installed: no comparison (apt-get install hugo)');
      return;
    }
    const hugo: number[] = [];
    for (let run = 0; run < runs; run++) {
      rmSync(join(hugoSite, 'public'), { recursive: true, force: true });
      hugo.push(timed('hugo', ['--quiet', '-d', 'public'], hugoSite));
    }
    const version = spawnSync('hugo', ['version'], { encoding: 'utf8' }).stdout.split(' ')[1];
    const hugoS = median(hugo) / 1000;
    results.add(`hugo_${count}_s`, {
      value: round(hugoS, 2),
      unit: 's',
      note: `hugo ${version}, the same files, RSS for the site, each tag and each author; median of ${runs} (${hugo.map((ms) => round(ms / 1000, 2)).join(', ')} s)`,
    });
    results.add('build_vs_hugo', {
      value: round(oursS / hugoS, 1),
      unit: 'x',
      goal: atMost(10),
      note: `build_${count}_s / hugo_${count}_s, same run, same machine`,
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
