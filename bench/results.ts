import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** A figure's goal: at least or at most this value. */
export interface Goal {
  op: '>=' | '<=';
  value: number;
}

export interface Figure {
  value: number;
  unit: string;
  goal?: Goal;
  /** How it was measured, in a few words, or what else a reader should know. */
  note?: string;
}

export const atLeast = (value: number): Goal => ({ op: '>=', value });
export const atMost = (value: number): Goal => ({ op: '<=', value });

export function meets(figure: Figure): boolean | undefined {
  if (!figure.goal) return undefined;
  const { op, value } = figure.goal;
  return op === '>=' ? figure.value >= value : figure.value <= value;
}

/** The figures of one run, printed as they come (one JSON line each) and as a table at the end. */
export class Results {
  readonly figures: Record<string, Figure> = {};

  add(name: string, figure: Figure): void {
    this.figures[name] = figure;
    console.log(JSON.stringify({ figure: name, ...figure }));
  }

  table(): string {
    const rows = Object.entries(this.figures).map(([name, f]) => {
      const ok = meets(f);
      const goal = f.goal ? `${f.goal.op} ${f.goal.value}` : '';
      const verdict = ok === undefined ? '' : ok ? 'ok' : 'MISSED';
      return [name, String(f.value), f.unit, goal, verdict];
    });
    const header = ['figure', 'value', 'unit', 'goal', ''];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i === 1 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)));
    return [header, header.map((_, i) => '-'.repeat(widths[i] ?? 0)), ...rows]
      .map((r) => line(r).join('  ').trimEnd())
      .join('\n');
  }

  missed(): string[] {
    return Object.entries(this.figures)
      .filter(([, f]) => meets(f) === false)
      .map(([name, f]) => `${name} = ${f.value} ${f.unit} (goal ${f.goal?.op} ${f.goal?.value})`);
  }

  /** Writes results.json; `merge` keeps the figures of phases not run this time. */
  write(dir: string, { merge = false }: { merge?: boolean } = {}): string {
    const path = join(dir, 'results.json');
    const kept =
      merge && existsSync(path)
        ? (JSON.parse(readFileSync(path, 'utf8')) as { figures: Record<string, Figure> }).figures
        : {};
    const figures = { ...kept, ...this.figures };
    writeFileSync(path, `${JSON.stringify({ figures, machine: machine() }, null, 2)}\n`);
    return path;
  }
}

export function machine() {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
  };
}
