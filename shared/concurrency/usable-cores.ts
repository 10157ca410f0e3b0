import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * Cores this process may keep busy: the ones it may run on (availableParallelism: the CPU
 * affinity), and no more than a container's CPU quota allows (cgroup v2 `cpu.max`, or v1
 * `cpu.cfs_quota_us` / `cpu.cfs_period_us`; `docker run --cpus=2` on a 16-core host, a CI
 * runner's limit), rounded up, at least one. Node reads neither, and a worker pool sized
 * to the host's cores on a 2-core quota only makes its threads wait for each other.
 */
export function usableCores(options: { cgroupRoot?: string; cores?: number } = {}): number {
  const cores = options.cores ?? availableParallelism();
  const quota = cpuQuota(options.cgroupRoot ?? '/sys/fs/cgroup');
  return quota === undefined ? cores : Math.max(1, Math.min(cores, Math.ceil(quota)));
}

/** The CPU quota in cores, or undefined where none is set (or none can be read). */
function cpuQuota(root: string): number | undefined {
  const v2 = read(`${root}/cpu.max`)?.split(/\s+/);
  if (v2) return ratio(v2[0], v2[1]);
  return ratio(read(`${root}/cpu/cpu.cfs_quota_us`), read(`${root}/cpu/cpu.cfs_period_us`));
}

/** quota ÷ period, when both are positive numbers (`max` and `-1` mean no limit). */
function ratio(quota: string | undefined, period: string | undefined): number | undefined {
  const q = Number(quota);
  const p = Number(period);
  return q > 0 && p > 0 ? q / p : undefined;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}
