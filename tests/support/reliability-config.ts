/**
 * Sizes of the reliability suite: a short form inside `npm test`, a larger one under
 * `npm run soak` (FEEDPUB_SOAK=1). Seeded randomness, so a failure can be replayed.
 */

export { prng } from './prng.ts';

export const SOAK = process.env.FEEDPUB_SOAK === '1';

/** `short` in `npm test`, `soak` in `npm run soak`. */
export const scale = (short: number, soak: number): number => (SOAK ? soak : short);

/** Overrides the seed (FEEDPUB_SEED=123) to replay a failing run. */
export const SEED = Number(process.env.FEEDPUB_SEED ?? 20260105);

export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
