/**
 * The candidate closest to a mistyped word, when one is close enough to be what was meant: at
 * most two edits (insert, delete, replace, swap two neighbours) and fewer than half the word.
 * Undefined when none is, or when two are equally close.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(2, Math.floor((word.length - 1) / 2));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let tie = false;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance, tie] = [candidate, distance, false];
    else if (distance === bestDistance) tie = true;
  }
  return bestDistance <= limit && !tie ? best : undefined;
}

/**
 * Optimal string alignment distance: Levenshtein plus the swap of two neighbours, a common typo.
 */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i] as number[];
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(d);
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}
