// AI-origin ranges kept correct through later edits: pure offset arithmetic over the content
// changes VS Code reports, so it runs on every keystroke without touching the document.
import type { AiOrigin } from '../../core/findings';

/** One content change as VS Code reports it (offsets into the text before this change). */
export interface OffsetChange {
  offset: number;
  length: number;
  text: string;
}

export interface TrackedRange {
  id: string;
  origin: AiOrigin;
  /** Epoch milliseconds the text was recorded. */
  at: number;
  /** Half-open offsets [start, end) into the current text. */
  start: number;
  end: number;
  /** Recorded but not yet confirmed (waiting for the clipboard or the disk watcher). */
  pending?: boolean;
}

/**
 * Moves a range through one change. Text typed at either edge stays outside the range, text
 * typed inside it grows it; a change that removes all of it (undo of the insertion, deleting the
 * lines, replacing it) makes it empty, and empty ranges are dropped by the caller.
 */
export function moveRange(r: { start: number; end: number }, c: OffsetChange): { start: number; end: number } {
  const cEnd = c.offset + c.length;
  const delta = c.text.length - c.length;
  if (c.offset >= r.end) return r;
  if (cEnd <= r.start) return { start: r.start + delta, end: r.end + delta };
  const keepsLeft = c.offset > r.start;
  const keepsRight = cEnd < r.end;
  if (keepsLeft && keepsRight) return { start: r.start, end: r.end + delta };
  if (keepsLeft) return { start: r.start, end: c.offset };
  if (keepsRight) return { start: c.offset + c.text.length, end: r.end + delta };
  return { start: c.offset, end: c.offset };
}

/**
 * Applies an event's changes in the order reported (each one's offsets are relative to the text
 * after the ones before it) and returns the ranges that still cover text, in place when possible.
 */
export function applyChanges(ranges: TrackedRange[], changes: readonly OffsetChange[]): TrackedRange[] {
  if (!ranges.length) return ranges;
  for (const c of changes) {
    for (const r of ranges) {
      const m = moveRange(r, c);
      r.start = m.start;
      r.end = m.end;
    }
  }
  return ranges.some((r) => r.end <= r.start) ? ranges.filter((r) => r.end > r.start) : ranges;
}

/** Adds a range, merging it with ranges of the same origin it touches. */
export function addRange(ranges: TrackedRange[], add: TrackedRange): TrackedRange[] {
  if (add.end <= add.start) return ranges;
  const out: TrackedRange[] = [];
  let merged = { ...add };
  for (const r of ranges) {
    if (!r.pending && r.origin === merged.origin && r.start <= merged.end && merged.start <= r.end) {
      merged = { ...merged, id: r.id, start: Math.min(r.start, merged.start), end: Math.max(r.end, merged.end) };
    } else {
      out.push(r);
    }
  }
  out.push(merged);
  return out.sort((a, b) => a.start - b.start);
}

/** The ranges an event inserted, in offsets of the text after the whole event. */
export function insertedRanges(changes: readonly OffsetChange[]): Array<{ start: number; end: number }> {
  let out: Array<{ start: number; end: number }> = [];
  for (const c of changes) {
    out = out.map((r) => moveRange(r, c)).filter((r) => r.end > r.start);
    if (c.text.length) out.push({ start: c.offset, end: c.offset + c.text.length });
  }
  return out.sort((a, b) => a.start - b.start);
}
