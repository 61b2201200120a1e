// YAML scalar text -> value: flow scalar folding and escapes, block scalars, core-schema typing.
// Every decoder also returns, per decoded UTF-16 unit, the offset it came from, so documents
// embedded in a scalar keep exact ranges.

export interface Decoded {
  value: string;
  /** Offset (in the text the scalar was read from) of each decoded unit. */
  offsets: number[];
  /** Offset just past the scalar, for indices at or beyond the end of the value. */
  end: number;
}

const DOUBLE_ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029',
};
const HEX_ESCAPES: Record<string, number> = { x: 2, u: 4, U: 8 };

function isBreak(c: string | undefined): boolean {
  return c === '\n' || c === '\r';
}

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

/**
 * Decodes the inside of a flow scalar (plain, 'single' or "double" quoted): line folding
 * (a single break becomes a space, n empty lines become n breaks, surrounding blanks dropped)
 * and the style's escapes.
 */
export function decodeFlowScalar(text: string, start: number, end: number, style: 'plain' | 'single' | 'double'): Decoded {
  const chars: string[] = [];
  const offsets: number[] = [];
  // Output length after the last character that folding must keep (escapes and non-blanks).
  let keep = 0;
  let i = start;
  while (i < end) {
    const c = text[i];
    if (style === 'single' && c === "'" && text[i + 1] === "'") {
      chars.push("'");
      offsets.push(i);
      keep = chars.length;
      i += 2;
      continue;
    }
    if (style === 'double' && c === '\\' && i + 1 < end) {
      const n = text[i + 1];
      if (isBreak(n)) {
        // An escaped line break joins the lines without a space.
        i += n === '\r' && text[i + 2] === '\n' ? 3 : 2;
        while (i < end && isBlank(text[i])) i++;
        keep = chars.length;
        continue;
      }
      const hexLen = HEX_ESCAPES[n];
      let decoded: string | undefined;
      let len = 2;
      if (hexLen) {
        const hex = text.slice(i + 2, i + 2 + hexLen);
        if (hex.length === hexLen && /^[0-9a-fA-F]+$/.test(hex)) {
          const cp = parseInt(hex, 16);
          decoded = cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
          len = 2 + hexLen;
        }
      } else {
        decoded = DOUBLE_ESCAPES[n];
      }
      if (decoded === undefined) decoded = n;
      for (let k = 0; k < decoded.length; k++) {
        chars.push(decoded[k]);
        offsets.push(i);
      }
      keep = chars.length;
      i += len;
      continue;
    }
    if (isBreak(c)) {
      chars.length = keep;
      offsets.length = keep;
      const breakAt = i;
      let empty = 0;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      for (;;) {
        while (i < end && isBlank(text[i])) i++;
        if (i < end && isBreak(text[i])) {
          empty++;
          i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
          continue;
        }
        break;
      }
      const fill = empty ? '\n'.repeat(empty) : ' ';
      for (let k = 0; k < fill.length; k++) {
        chars.push(fill[k]);
        offsets.push(breakAt);
      }
      keep = chars.length;
      continue;
    }
    chars.push(c);
    offsets.push(i);
    if (!isBlank(c)) keep = chars.length;
    i++;
  }
  return { value: chars.join(''), offsets, end };
}

export interface BlockScalar extends Decoded {
  /** Offset just past the last line that belongs to the scalar (its trailing breaks included). */
  contentEnd: number;
}

/**
 * Reads a block scalar (`|` literal or `>` folded, with chomping `-`/`+` and an explicit
 * indentation digit) starting at its header. `parentIndent` is the indentation of the node the
 * scalar belongs to; content lines are those indented more than it.
 */
export function decodeBlockScalar(text: string, headerStart: number, parentIndent: number): BlockScalar {
  let i = headerStart;
  const folded = text[i] === '>';
  i++;
  let chomp: 'clip' | 'strip' | 'keep' = 'clip';
  let explicit = 0;
  for (let k = 0; k < 2; k++) {
    const c = text[i];
    if (c === '-' || c === '+') {
      chomp = c === '-' ? 'strip' : 'keep';
      i++;
    } else if (c !== undefined && c >= '1' && c <= '9') {
      explicit = Number(c);
      i++;
    }
  }
  // Skip the rest of the header line (blanks and a comment).
  while (i < text.length && !isBreak(text[i])) i++;
  i = skipBreak(text, i);

  // Whitespace-only lines count as empty lines (their blanks beyond the indentation are dropped).
  const lines: Array<{ start: number; end: number; empty: boolean }> = [];
  let indent = explicit ? Math.max(parentIndent, 0) + explicit : -1;
  let pos = i;
  let contentEnd = i;
  while (pos < text.length) {
    let lineEnd = pos;
    while (lineEnd < text.length && !isBreak(text[lineEnd])) lineEnd++;
    let spaces = 0;
    while (pos + spaces < lineEnd && text[pos + spaces] === ' ') spaces++;
    const empty = /^[ \t]*$/.test(text.slice(pos + spaces, lineEnd));
    if (!empty) {
      if (indent < 0) indent = Math.max(spaces, parentIndent + 1);
      if (spaces < indent) break;
    }
    if (spaces === 0 && /^(---|\.\.\.)(\s|$)/.test(text.slice(pos, lineEnd))) break;
    lines.push({ start: empty ? lineEnd : pos + indent, end: lineEnd, empty });
    pos = skipBreak(text, lineEnd);
    contentEnd = pos;
    if (lineEnd >= text.length) break;
  }
  let last = lines.length;
  while (last > 0 && lines[last - 1].empty) last--;
  const trailingEmpty = lines.length - last;

  const chars: string[] = [];
  const offsets: number[] = [];
  const push = (s: string, at: number): void => {
    for (let k = 0; k < s.length; k++) {
      chars.push(s[k]);
      offsets.push(at);
    }
  };
  let didRead = false;
  let empty = 0;
  let moreIndented = false;
  let prevBreak = headerStart;
  for (let k = 0; k < last; k++) {
    const line = lines[k];
    if (line.empty) {
      empty++;
      prevBreak = line.end;
      continue;
    }
    if (folded) {
      if (isBlank(text[line.start])) {
        moreIndented = true;
        push('\n'.repeat(didRead ? 1 + empty : empty), prevBreak);
      } else if (moreIndented) {
        moreIndented = false;
        push('\n'.repeat(empty + 1), prevBreak);
      } else if (empty === 0) {
        if (didRead) push(' ', prevBreak);
      } else {
        push('\n'.repeat(empty), prevBreak);
      }
    } else {
      push('\n'.repeat(didRead ? 1 + empty : empty), prevBreak);
    }
    for (let p = line.start; p < line.end; p++) {
      chars.push(text[p]);
      offsets.push(p);
    }
    didRead = true;
    empty = 0;
    prevBreak = line.end;
  }
  if (chomp === 'keep') push('\n'.repeat(didRead ? 1 + empty + trailingEmpty : empty + trailingEmpty), prevBreak);
  else if (chomp === 'clip' && didRead) push('\n', prevBreak);
  return { value: chars.join(''), offsets, end: contentEnd, contentEnd };
}

function skipBreak(text: string, i: number): number {
  if (text[i] === '\r') return text[i + 1] === '\n' ? i + 2 : i + 1;
  if (text[i] === '\n') return i + 1;
  return i;
}

export type CoreValue = { kind: 'null' } | { kind: 'boolean'; value: boolean } | { kind: 'number'; value: number } | { kind: 'string' };

/** Types a plain scalar by the YAML 1.2 core schema. */
export function coreSchemaType(text: string): CoreValue {
  if (text === '' || text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return { kind: 'null' };
  if (text === 'true' || text === 'True' || text === 'TRUE') return { kind: 'boolean', value: true };
  if (text === 'false' || text === 'False' || text === 'FALSE') return { kind: 'boolean', value: false };
  if (/^[-+]?[0-9]+$/.test(text)) return { kind: 'number', value: Number(text) };
  if (/^0o[0-7]+$/.test(text)) return { kind: 'number', value: parseInt(text.slice(2), 8) };
  if (/^0x[0-9a-fA-F]+$/.test(text)) return { kind: 'number', value: parseInt(text.slice(2), 16) };
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return { kind: 'number', value: Number(text) };
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return { kind: 'number', value: text.startsWith('-') ? -Infinity : Infinity };
  if (/^\.(nan|NaN|NAN)$/.test(text)) return { kind: 'number', value: NaN };
  return { kind: 'string' };
}
