import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ArticleRejectedError } from '../shared/articles/errors.ts';
import { parseArticle } from '../shared/articles/parse.ts';
import { parseShapes } from './parse-shapes.ts';
import { atMost, Results } from './results.ts';
import { median, round } from './stats.ts';

/**
 * `parseArticle` on pathological uploads (bench/parse-shapes.ts, thousands of them): the
 * slowest must parse, or be rejected, within 1 s. Shapes run one after another in a child
 * process (one core); one still running after the cap is killed and counted at the cap (a
 * lower bound), and the rest go on in a fresh child. Each shape is timed once, then the
 * slowest ones three more times, and a shape's time is the median of its runs (so a pause
 * of the machine does not decide the figure). BENCH_PARSE_ONLY=<text> runs the shapes whose
 * name holds it; BENCH_PARSE_CAP_MS moves the cap (default 10 s).
 */

const SITE_URL = 'https://news.example.com/';
const GOAL_MS = 1000;
const RETIMED = 30;
const RETIMES = 3;

export interface ShapeTiming {
  name: string;
  ms: number;
  /** `parsed`, `rejected (reason): message`, `crashed: ...`, or `killed at the cap`. */
  outcome: string;
}

interface Job {
  index: number;
  runs: number;
}
type ChildMessage =
  | { type: 'start'; index: number }
  | { type: 'done'; index: number; samples: number[]; outcome: string };

export interface ParseBenchOptions {
  capMs?: number;
  only?: string;
  /** Called with each first timing as it comes. */
  onShape?: (timing: ShapeTiming) => void;
}

export async function parseBench(
  results: Results,
  options: ParseBenchOptions = {},
): Promise<ShapeTiming[]> {
  const capMs = options.capMs ?? 10_000;
  const names = parseShapes(options.only).map((shape) => shape.name);
  const samples = names.map((): number[] => []);
  const outcomes = names.map(() => '');
  const record = (index: number, ms: number[], outcome: string) => {
    samples[index]?.push(...ms);
    outcomes[index] = outcome;
  };
  await runJobs(
    names.map((_, index) => ({ index, runs: 1 })),
    options.only,
    capMs,
    (index, ms, outcome) => {
      record(index, ms, outcome);
      options.onShape?.({ name: names[index] ?? '', ms: ms[0] ?? capMs, outcome });
    },
  );
  const slowest = rank(names, samples, outcomes)
    .slice(0, RETIMED)
    .filter((timing) => timing.ms < capMs);
  await runJobs(
    slowest.map((timing) => ({ index: names.indexOf(timing.name), runs: RETIMES })),
    options.only,
    capMs,
    record,
  );
  const timings = rank(names, samples, outcomes);
  report(results, timings);
  return timings;
}

function rank(names: string[], samples: number[][], outcomes: string[]): ShapeTiming[] {
  return names
    .map((name, index) => ({
      name,
      ms: median(samples[index] ?? []),
      outcome: outcomes[index] ?? '',
    }))
    .sort((a, b) => b.ms - a.ms);
}

function report(results: Results, timings: ShapeTiming[]): void {
  const worst = timings[0];
  const crashes = timings.filter((t) => t.outcome.startsWith('crashed'));
  const top = timings
    .slice(0, 3)
    .map((t) => `${t.name} ${round(t.ms, 1)} ms (${t.outcome.split(':')[0]})`)
    .join('; ');
  results.add('parse_worst_ms', {
    value: round(worst?.ms ?? 0, 1),
    unit: 'ms',
    goal: atMost(GOAL_MS),
    note: `slowest of ${timings.length} pathological uploads (.txt/.md/.json, 128 KiB and 1 MiB), median of its runs: ${top}`,
  });
  results.add('parse_crashes', {
    value: crashes.length,
    unit: 'uploads',
    goal: atMost(0),
    note:
      crashes.length === 0
        ? 'every upload parsed or was rejected with a reason'
        : crashes
            .slice(0, 3)
            .map((t) => `${t.name}: ${t.outcome}`)
            .join('; '),
  });
}

/** Runs `jobs` in children, a fresh one after each shape killed at the cap. */
async function runJobs(
  jobs: Job[],
  only: string | undefined,
  capMs: number,
  report: (index: number, ms: number[], outcome: string) => void,
): Promise<void> {
  let rest = jobs;
  while (rest.length > 0) {
    const done = await runChild(rest, only, capMs, report);
    rest = rest.slice(done);
  }
}

/** Runs jobs in one child until they end or one hits the cap; how many it got through. */
function runChild(
  jobs: Job[],
  only: string | undefined,
  capMs: number,
  report: (index: number, ms: number[], outcome: string) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child'], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let timer: NodeJS.Timeout | undefined;
    let done = 0;
    child.on('message', (message: ChildMessage) => {
      clearTimeout(timer);
      if (message.type === 'start') {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          report(message.index, [capMs], 'killed at the cap');
          done += 1;
        }, capMs);
        return;
      }
      report(message.index, message.samples, message.outcome);
      done += 1;
    });
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(Math.max(done, 1));
    });
    child.send({ jobs, only: only ?? '' });
  });
}

async function runChildJobs({ jobs, only }: { jobs: Job[]; only: string }): Promise<void> {
  const shapes = parseShapes(only || undefined);
  // Messages go out in order: once the last one's callback runs, every one has left, and the
  // channel can close (closed with messages still queued, Node throws in this child).
  let sent = Promise.resolve();
  const send = (message: ChildMessage) => {
    sent = new Promise((resolve) => {
      if (process.send) process.send(message, undefined, {}, () => resolve());
      else resolve();
    });
  };
  for (const { index, runs } of jobs) {
    const shape = shapes[index];
    if (!shape) continue;
    const upload = shape.make();
    send({ type: 'start', index });
    const samples: number[] = [];
    let outcome = '';
    for (let run = 0; run < runs; run += 1) {
      const start = performance.now();
      outcome = parseOutcome(upload.key, upload.bytes);
      samples.push(performance.now() - start);
    }
    send({ type: 'done', index, samples, outcome });
  }
  await sent;
  process.disconnect?.();
}

function parseOutcome(key: string, body: Uint8Array): string {
  try {
    parseArticle({ key, body, siteUrl: SITE_URL });
    return 'parsed';
  } catch (error) {
    if (error instanceof ArticleRejectedError)
      return `rejected (${error.reason}): ${error.message.slice(0, 160)}`;
    return `crashed: ${String(error).slice(0, 160)}`;
  }
}

if (process.argv[2] === '--child') process.once('message', runChildJobs);
else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // `npx tsx bench/parse-bench.ts`: this figure alone, each shape listed on stderr.
  const line = (t: ShapeTiming) =>
    `${round(t.ms, 1).toString().padStart(9)} ms  ${t.name}  ${t.outcome}`;
  const results = new Results();
  const timings = await parseBench(results, {
    ...(process.env.BENCH_PARSE_ONLY ? { only: process.env.BENCH_PARSE_ONLY } : {}),
    capMs: Number(process.env.BENCH_PARSE_CAP_MS ?? 10_000),
    onShape: (t) => console.error(line(t)),
  });
  console.log(`\nslowest:\n${timings.slice(0, 25).map(line).join('\n')}`);
}
