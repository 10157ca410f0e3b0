import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { usableCores } from '../../../shared/concurrency/usable-cores.ts';

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

/** A cgroup folder holding these files. */
function cgroup(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'feedpub-cgroup-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), `${text}\n`);
  }
  return root;
}

describe('usableCores', () => {
  it.each([
    ['cgroup v2, 2 cores of 16', { 'cpu.max': '200000 100000' }, 16, 2],
    ['cgroup v2, 1.5 cores: rounded up', { 'cpu.max': '150000 100000' }, 16, 2],
    ['cgroup v2, a quota above the cores', { 'cpu.max': '800000 100000' }, 4, 4],
    ['cgroup v2, no quota', { 'cpu.max': 'max 100000' }, 16, 16],
    ['cgroup v2, a tenth of a core: still one', { 'cpu.max': '10000 100000' }, 16, 1],
    [
      'cgroup v1, 3 cores',
      { 'cpu/cpu.cfs_quota_us': '300000', 'cpu/cpu.cfs_period_us': '100000' },
      16,
      3,
    ],
    [
      'cgroup v1, no quota',
      { 'cpu/cpu.cfs_quota_us': '-1', 'cpu/cpu.cfs_period_us': '100000' },
      16,
      16,
    ],
    ['no cgroup files', {}, 6, 6],
    ['unreadable text', { 'cpu.max': 'garbage' }, 6, 6],
  ])('%s', (_name, files, cores, expected) => {
    expect(usableCores({ cgroupRoot: cgroup(files), cores })).toBe(expected);
  });

  it('on this machine: at least one, at most the cores it may run on', () => {
    const cores = usableCores();
    expect(cores).toBeGreaterThanOrEqual(1);
    expect(cores).toBeLessThanOrEqual(usableCores({ cgroupRoot: '/nonexistent' }));
  });
});
