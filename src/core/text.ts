// Turning file bytes into analysable text, and offsets into 1-based line/column ranges.
import type { SourceRange } from './model';

export type DecodeResult =
  | { ok: true; text: string; encoding: 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be'; lossy: boolean }
  | { ok: false; reason: string };

const SNIFF_BYTES = 8000;

/**
 * Decodes a file the way an editor would: BOMs honoured, UTF-16 without a BOM recognised by its
 * NUL pattern, and anything else with NUL bytes treated as binary. Invalid UTF-8 is decoded with
 * replacement characters and flagged `lossy` so callers can say so.
 */
export function decodeText(bytes: Uint8Array): DecodeResult {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return utf8(bytes.subarray(3), 'utf-8-bom');
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { ok: true, text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le', lossy: false };
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { ok: true, text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be', lossy: false };
  }
  const n = Math.min(bytes.length, SNIFF_BYTES);
  let nulEven = 0;
  let nulOdd = 0;
  for (let i = 0; i < n; i++) {
    if (bytes[i] === 0) {
      if (i % 2 === 0) nulEven++;
      else nulOdd++;
    }
  }
  if (nulEven + nulOdd > 0) {
    const half = n / 2;
    // ASCII-range UTF-16 text has a NUL in every other byte and none in the rest.
    if (nulOdd > half * 0.6 && nulEven === 0) {
      return { ok: true, text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le', lossy: false };
    }
    if (nulEven > half * 0.6 && nulOdd === 0) {
      return { ok: true, text: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be', lossy: false };
    }
    return { ok: false, reason: 'binary file (contains NUL bytes)' };
  }
  return utf8(bytes, 'utf-8');
}

function utf8(bytes: Uint8Array, encoding: 'utf-8' | 'utf-8-bom'): DecodeResult {
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding, lossy: false };
  } catch {
    return { ok: true, text: new TextDecoder('utf-8').decode(bytes), encoding, lossy: true };
  }
}

/** Index of the last of ascending `starts` (whose first is 0) that is <= `offset`: the line or piece holding it. */
export function lastAtOrBefore(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Maps UTF-16 offsets to 1-based line and column; CRLF counts as one line break. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  position(offset: number): { line: number; column: number } {
    const lo = lastAtOrBefore(this.starts, offset);
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }

  range(startOffset: number, endOffset: number): SourceRange {
    const s = this.position(startOffset);
    const e = this.position(endOffset);
    return { startOffset, endOffset, startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column };
  }

  /** The full text of the lines a range touches, for before/after snippets. */
  lineText(line: number): string {
    const start = this.starts[line - 1] ?? this.text.length;
    const next = this.starts[line] ?? this.text.length;
    return this.text.slice(start, next).replace(/\r?\n$|\r$/, '');
  }
}
