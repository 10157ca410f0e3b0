import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Where two folders a command works in really are, so that aliases cannot hide an overlap. */

/**
 * `path` with every symbolic link resolved, also when it does not exist yet: the deepest
 * existing ancestor is resolved and the missing rest appended.
 */
export function realPath(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(realPath(parent), basename(absolute));
  }
}

/** Whether `child` is `parent` or lies below it (both already real paths). */
function within(parent: string, child: string): boolean {
  const path = relative(parent, child);
  return !(path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path));
}

/** How `a` and `b` overlap once resolved: one inside the other, the same folder, or not at all. */
export function overlap(a: string, b: string): 'same' | 'a-in-b' | 'b-in-a' | undefined {
  const [realA, realB] = [realPath(a), realPath(b)];
  if (realA === realB) return 'same';
  if (within(realB, realA)) return 'a-in-b';
  if (within(realA, realB)) return 'b-in-a';
  return undefined;
}
