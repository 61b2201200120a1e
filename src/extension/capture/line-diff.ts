// Which lines of a file are new relative to what was there before: for files that an agent
// wrote to disk, where no editor event says what changed.

const MAX_CELLS = 4_000_000;

/** 1-based inclusive line spans of `after` that are not in `before` (a longest-common-subsequence diff). */
export function addedLineSpans(before: readonly string[], after: readonly string[]): Array<[number, number]> {
  let p = 0;
  while (p < before.length && p < after.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && s < after.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  const a = before.slice(p, before.length - s);
  const b = after.slice(p, after.length - s);
  const added: boolean[] = new Array<boolean>(b.length).fill(true);
  if (a.length && b.length && a.length * b.length <= MAX_CELLS) {
    // LCS table over the middle; rows of Uint32 keep it compact.
    const w = b.length + 1;
    const t = new Uint32Array((a.length + 1) * w);
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) {
        t[i * w + j] = a[i] === b[j] ? t[(i + 1) * w + j + 1] + 1 : Math.max(t[(i + 1) * w + j], t[i * w + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) {
        added[j] = false;
        i++;
        j++;
      } else if (t[(i + 1) * w + j] >= t[i * w + j + 1]) i++;
      else j++;
    }
  }
  const spans: Array<[number, number]> = [];
  added.forEach((isNew, k) => {
    if (!isNew) return;
    const line = p + k + 1;
    const last = spans[spans.length - 1];
    if (last && last[1] === line - 1) last[1] = line;
    else spans.push([line, line]);
  });
  return spans;
}
