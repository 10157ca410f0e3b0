import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * How every Lambda is bundled, for CDK (infra/feedpub-function.ts) and for the bundle bench
 * (bench/bundle-bench.ts) alike: minified ESM for node22 with the AWS SDK left to the runtime,
 * and the aliases that keep what our dependencies load but never run for us out of the bundles.
 */

const requireFromSanitizer = createRequire(createRequire(import.meta.url).resolve('sanitize-html'));

/**
 * sanitize-html `require()`s all of htmlparser2 (its DOM handler, DOM utilities and serializer
 * with their own copy of `entities`) and uses only its `Parser`; the package exports no subpath
 * for it, so the alias names htmlparser2's own ESM build of that module.
 */
const HTMLPARSER2_PARSER = join(
  dirname(requireFromSanitizer.resolve('htmlparser2')),
  '..',
  'esm',
  'Parser.js',
);

const shim = (file: string) => join(import.meta.dirname, 'bundle-shims', file);

/**
 * Import path → module that replaces it in the bundles (absolute paths). The stubs throw,
 * saying why, if anything ever calls them; tests/unit/lambda/bundle-aliases.test.ts runs
 * the code they serve, bundled with these, against the same code from source.
 */
const LAMBDA_BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  // sanitize-html parses `style` attributes with postcss; the HTML allow-list allows none.
  postcss: shim('postcss.ts'),
  htmlparser2: HTMLPARSER2_PARSER,
  // Loaded by what we use, for what we never call: xml-js's XML reader, launder's dates.
  sax: shim('sax.ts'),
  dayjs: shim('dayjs.cts'),
};

/**
 * The esbuild options of every Lambda bundle (esbuild's JavaScript API, a bundle for Node): the
 * stack's (functionBuildOptions), the bundle bench's, and the tests' that build what it builds;
 * `alias` adds to the aliases.
 */
export function lambdaBuildOptions(alias: Record<string, string> = {}) {
  return {
    bundle: true,
    platform: 'node' as const,
    minify: true,
    target: 'node22',
    format: 'esm' as const,
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*'],
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __feedpubRequire } from 'node:module'; const require = __feedpubRequire(import.meta.url);",
    },
    alias: { ...LAMBDA_BUNDLE_ALIASES, ...alias },
  };
}

/**
 * One function as CDK deploys it (infra/feedpub-function.ts) and the bundle bench measures it:
 * `index.mjs`, the handler and all it imports, and under `chunks/` what it only imports
 * dynamically. That is ingest's parser (`yaml`, `marked`, sanitize-html), which only its parse
 * workers load (shared/parsing/parse-pool.ts): a cold start loads the handler file alone.
 */
export function functionBuildOptions(entry: string, outdir: string) {
  return {
    ...lambdaBuildOptions(),
    entryPoints: { index: entry },
    outdir,
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
  };
}
