import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { nearestName } from '../config/nearest-name.ts';
import { SETTING_NAMES, SITE_SETTINGS } from '../config/settings.ts';
import { APP_STACK_ID } from '../contract/stacks.ts';
import { LocalRuntimeError, PortInUseError } from '../local/errors.ts';
import type { BuildOptions } from './build.ts';
import type { DevOptions } from './dev.ts';
import { CliError } from './errors.ts';
import type { TargetOptions } from './ops.ts';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_HTTP_PORT,
  DEFAULT_S3_PORT,
  deployedSiteUrl,
  hubOption,
  itemLimitOption,
  PLACEHOLDER_SITE_URL,
  portOption,
  siteUrlFromEnv,
  siteUrlOption,
} from './options.ts';
import { stopRequested } from './shutdown.ts';
import type { ValidateOptions } from './validate.ts';

const PORT_OPTIONS: Record<string, string> = {
  'site server': '--port',
  s3rver: '--s3-port',
  'DynamoDB Local': '--dynamo-port',
};

/** One line naming the cause and the fix for the errors a user can act on. */
function userMessage(error: unknown): string | undefined {
  if (error instanceof PortInUseError) {
    const what = /\(([^)]+)\)/.exec(error.message)?.[1] ?? '';
    const option = PORT_OPTIONS[what];
    return option ? error.message.replace(/\.$/, ` with ${option}.`) : error.message;
  }
  if (error instanceof LocalRuntimeError || error instanceof CliError) return error.message;
  return undefined;
}

const BUILD_HELP = `
Every file under --inbox (editor temp files and hidden files excepted) is ingested as the
upload articles/<path relative to --inbox> would be, and published, by the functions' own
code in this process (no emulator, no Java); the site is then written to --out.

Site settings come from the flags, else the environment (below), else the "context" of
cdk.json in the working folder (siteUrl, feedTitle, feedDescription, feedLanguage, itemLimit,
websubHubs, withdrawnEntryDays, feedContent, siteIcon: the CDK app's own place for them), else their defaults. Without any site URL,
links use ${PLACEHOLDER_SITE_URL}, a placeholder: pass the URL the site will be served from.

Exit codes: 0 built (rejected articles are listed, not fatal), 1 bad input, or --strict and
an article was rejected, 2 the pipeline itself failed (a file not ingested, a file not published).`;

/** The environment column of the help: as wide as the longest variable's name. */
const ENV_WIDTH = Math.max(...SETTING_NAMES.map((name) => SITE_SETTINGS[name].env.length));

const ENV_HELP = `
Environment (as the functions read it; a flag wins over its variable):
${SETTING_NAMES.map((name) => `  ${SITE_SETTINGS[name].env.padEnd(ENV_WIDTH)} ${SITE_SETTINGS[name].help}`).join('\n')}`;

const HUB_HELP = `a WebSub hub the feeds name (repeat for more); default ${SITE_SETTINGS.hubs.env}, else none`;
const ITEM_LIMIT_HELP = `${SITE_SETTINGS.itemLimit.help}; default ${SITE_SETTINGS.itemLimit.env}, else ${SITE_SETTINGS.itemLimit.default}`;

/** The package's version, from its package.json. */
function version(): string {
  const manifest = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

const COMMANDS = ['dev', 'build', 'validate', 'status', 'reports', 'redrive', 'republish', 'help'];

/**
 * `dev` is the default command, so a mistyped command would reach it as an argument ("too many
 * arguments for 'dev'"): a first word that is no command is named as such, with the nearest.
 */
function checkCommand(argv: readonly string[]): void {
  const word = argv[2];
  if (word === undefined || word.startsWith('-') || COMMANDS.includes(word)) return;
  const nearest = nearestName(word, COMMANDS);
  const hint = nearest ? ` (did you mean ${nearest}?)` : '';
  throw new CliError(
    `unknown command '${word}'${hint}; the commands are ${COMMANDS.slice(0, -1).join(', ')} (feedpub --help)`,
  );
}

function program(setExitCode: (code: number) => void): Command {
  const root = new Command('feedpub')
    .description(
      'Serverless news-feed publisher: articles in, RSS 2.0, Atom 1.0 and JSON Feed 1.1 out.',
    )
    .version(version(), '-V, --version', 'print the version')
    .addHelpText('after', ENV_HELP)
    // Inherited by each command defined below: a wrong option points at the right help.
    .showHelpAfterError('(add --help for the options)');

  root
    .command('dev', { isDefault: true })
    .description(
      'run the whole pipeline on this machine (DynamoDB Local + s3rver): mirror an inbox folder, serve the site over HTTP (npm start)',
    )
    .option(
      '--port <port>',
      'HTTP port of the local site (0: any free port)',
      portOption,
      DEFAULT_HTTP_PORT,
    )
    .option(
      '--site-url <url>',
      'URL links in feeds and pages use (default: the local site)',
      siteUrlOption,
    )
    .option('--item-limit <n>', ITEM_LIMIT_HELP, itemLimitOption)
    .option('--hub <url>', HUB_HELP, hubOption)
    .option(
      '--inbox <dir>',
      'folder mirrored to the inbox bucket (created with a sample article if missing)',
      'inbox',
    )
    .option('--data-dir <dir>', 'where state is kept between runs', DEFAULT_DATA_DIR)
    .option('--fresh', 'delete the data folder first: start from an empty site', false)
    .option('--s3-port <port>', 's3rver port (0: any free port)', portOption, DEFAULT_S3_PORT)
    .option('--dynamo-port <port>', 'DynamoDB Local port (default: any free port)', portOption)
    .addHelpText('after', ENV_HELP)
    .action(async (o: DevOptions) => {
      const { dev } = await import('./dev.ts');
      await dev({ ...o, siteUrl: o.siteUrl ?? siteUrlFromEnv() });
    });

  root
    .command('build')
    .description('publish a folder of articles once and write the site to a folder')
    .requiredOption('--inbox <dir>', 'folder of article files (.txt, .md, .json; subfolders too)')
    .requiredOption('--out <dir>', 'folder the site is written to (new or empty)')
    .option('--json <file>', 'write a JSON summary: one entry per input file, and the site files')
    .option(
      '--site-url <url>',
      `URL the site will be served from (default: ${PLACEHOLDER_SITE_URL})`,
      siteUrlOption,
    )
    .option('--item-limit <n>', ITEM_LIMIT_HELP, itemLimitOption)
    .option('--hub <url>', HUB_HELP, hubOption)
    .option('--strict', 'exit 1 if any article is rejected', false)
    .option('--clean', 'empty a non-empty --out folder first', false)
    .addHelpText('after', `${BUILD_HELP}\n${ENV_HELP}`)
    .action(async (o: Omit<BuildOptions, 'siteUrl'> & { siteUrl?: string }) => {
      const { build } = await import('./build.ts');
      setExitCode(
        await build({ ...o, siteUrl: o.siteUrl ?? deployedSiteUrl() ?? PLACEHOLDER_SITE_URL }),
      );
    });

  root
    .command('validate')
    .description(
      'check articles and media files offline and say what would be published or why not',
    )
    .argument('<files...>', 'article and media files, or folders of them')
    .option(
      '--site-url <url>',
      `URL relative links resolve against (default: ${PLACEHOLDER_SITE_URL})`,
      siteUrlOption,
    )
    .option(
      '--inbox <dir>',
      'key files inside this folder by their path in it (default: by file name)',
    )
    .option('--json', 'print one JSON document: a verdict per file, the skipped entries', false)
    .addHelpText(
      'after',
      '\nA file is checked as the object articles/<its name> (or <its path> inside --inbox or a\nfolder argument), which is where its id comes from. Exit code 1 if any file would be rejected.',
    )
    .action(async (files: string[], o: Partial<ValidateOptions>) => {
      const { validate } = await import('./validate.ts');
      setExitCode(
        await validate(files, {
          ...o,
          siteUrl: o.siteUrl ?? deployedSiteUrl() ?? PLACEHOLDER_SITE_URL,
        }),
      );
    });
  addOperatorCommands(root, setExitCode);
  return root;
}

const TARGET_HELP = `
Runs against the deployed stack --stack (default ${APP_STACK_ID}), found by its CloudFormation
outputs with your AWS credentials and region (AWS_PROFILE, AWS_REGION), or with --local against
the data folder of feedpub dev (the running dev answers; a stopped one's queue is kept there).`;

const whole = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`${name} must be a whole number ≥ 1, not ${value}`);
  return n;
};

/** status, reports, redrive, republish: each against a deployed stack or the local runtime. */
function addOperatorCommands(root: Command, setExitCode: (code: number) => void): void {
  const targeted = (name: string, description: string) =>
    root
      .command(name)
      .description(description)
      .option('--stack <name>', 'the deployed app stack', APP_STACK_ID)
      .option('--local', 'the local runtime (feedpub dev data) instead of a deployed stack', false)
      .option('--data-dir <dir>', 'with --local: the data folder of feedpub dev', DEFAULT_DATA_DIR)
      .addHelpText('after', TARGET_HELP);
  const run = async <O>(
    o: O & TargetOptions,
    command: (
      ops: import('./operations/operations.ts').Operations,
      c: typeof import('./operations/commands.ts'),
    ) => Promise<number>,
  ) => {
    const [{ withOperations }, commands] = await Promise.all([
      import('./ops.ts'),
      import('./operations/commands.ts'),
    ]);
    setExitCode(await withOperations(o, (ops) => command(ops, commands)));
  };
  const print = (line: string) => console.log(line);

  targeted('status', 'articles by status, rejected uploads, last publish, queue and DLQ depths')
    .option('--json', 'print one JSON document', false)
    .option(
      '--scan-limit <n>',
      'article items counted at most (a paginated Scan)',
      whole('--scan-limit'),
      200_000,
    )
    .option(
      '--report-limit <n>',
      'newest reports read for the rejected count',
      whole('--report-limit'),
      1000,
    )
    .action((o: TargetOptions & { json: boolean; scanLimit: number; reportLimit: number }) =>
      run(o, (ops, c) => c.status(ops, o, print)),
    );
  targeted('reports', "each upload's report (status, reason, warnings), newest first")
    .option('--rejected', 'only rejected uploads', false)
    .option('--json', 'print one JSON array', false)
    .option('--limit <n>', 'newest reports shown at most', whole('--limit'), 100)
    .action((o: TargetOptions & { json: boolean; rejected: boolean; limit: number }) =>
      run(o, (ops, c) => c.reports(ops, o, print)),
    );
  targeted(
    'redrive',
    'ingest DLQ back to its queue; publish DLQ batches republished by id, then deleted',
  )
    .option('--dry-run', 'say what would be moved and republished; change nothing', false)
    .action((o: TargetOptions & { dryRun: boolean }) =>
      run(o, (ops, c) => c.redrive(ops, o, print)),
    );
  targeted('republish', 'render articles again from the table (a RepublishEvent to publish)')
    .argument('[ids...]', 'article ids (as in their page paths: 2019/12/libya-ratifies-)')
    .option('--all', 'every article', false)
    .action((ids: string[], o: TargetOptions & { all: boolean }) =>
      run(o, (ops, c) => c.republish(ops, { all: o.all, ids }, print)),
    );
}

/**
 * Runs the command line. `dev` keeps running after this resolves; the others exit here. Each
 * command's module is loaded when it runs: `--help` and `build` load no emulator and no SDK.
 */
export async function main(argv: string[]): Promise<void> {
  let exitCode: number | undefined;
  try {
    checkCommand(argv);
    await program((code) => {
      exitCode = code;
    }).parseAsync(argv);
  } catch (error) {
    // The signal handler finishes stopping and exits.
    if (stopRequested()) return;
    const message = userMessage(error);
    console.error(message ? `feedpub: ${message}` : error);
    process.exit(1);
  }
  if (exitCode !== undefined) process.exit(exitCode);
}
