/**
 * The name a mistyped one most likely meant (`titel` → `title`, `buidl` → `build`,
 * `itemlimit` → `itemLimit`): the nearest of `names` within `maxEdits` edits (insert, delete,
 * substitute, or swap two neighbours; one for a word under 6 letters), case ignored; none when
 * nothing is that near.
 */
export function nearestName(
  word: string,
  names: readonly string[],
  maxEdits = 2,
): string | undefined {
  const lower = word.toLowerCase();
  // A short word is one edit from many names: `x0` is not a misspelled `id`.
  const limit = Math.min(maxEdits, Math.max(1, Math.floor(word.length / 3)));
  let best: { name: string; edits: number } | undefined;
  for (const name of names) {
    if (Math.abs(name.length - word.length) > limit) continue;
    const edits = distance(lower, name.toLowerCase());
    if (edits <= limit && (!best || edits < best.edits)) best = { name, edits };
  }
  return best?.name;
}

/** Edits from `a` to `b` (optimal string alignment: a swap of neighbours is one edit). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      row[j] = Math.min(
        (up[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (up[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  return (d[a.length] as number[])[b.length] as number;
}
