// `.env` files -> one flat object. Read by hand: the format is line-based and has no grammar
// worth loading. Follows the dotenv/docker-compose dialect: `export` prefix, single, double and
// unquoted values, `#` comments, multi-line quoted values, `${VAR}`/`$VAR` references.
import type { Node, ObjEntry, Str } from '../model';
import type { LowerContext } from './context';
import { attachEmbedded, type OffsetMap } from './embedded';

const DOUBLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' };
const KEY = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*=[ \t]*/;
/** Unreadable lines reported per file; one is enough to mark the file as partially read. */
const MAX_LINE_PROBLEMS = 20;
/** `$NAME` or `${...}`, not written as `\$`. */
const REFERENCE = /\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)/;

export function lowerDotenv(text: string, ctx: LowerContext): Node[] {
  const entries: ObjEntry[] = [];
  let reported = 0;
  let pos = 0;
  while (pos < text.length) {
    const lineEnd = endOfLine(text, pos);
    const line = text.slice(pos, lineEnd);
    const m = KEY.exec(line);
    if (!m) {
      if (reported < MAX_LINE_PROBLEMS && /\S/.test(line) && !/^\s*#/.test(line) && !/^\s*export(\s+[A-Za-z_]\w*)+\s*$/.test(line)) {
        reported++;
        ctx.problems.push({ message: `expected KEY=value, found ${JSON.stringify(line.trim().slice(0, 30))}`, range: ctx.range(pos, lineEnd) });
      }
      pos = nextLine(text, lineEnd);
      continue;
    }
    const key = m[1];
    const keyStart = pos + m[0].indexOf(key, m[0].search(/\S/));
    const keyRange = ctx.range(keyStart, keyStart + key.length);
    const valueStart = pos + m[0].length;
    const read = readValue(text, valueStart, lineEnd, ctx);
    const path = [...ctx.basePath, key];
    const range = ctx.range(valueStart, read.end);
    let value: Node;
    if (read.interpolates && REFERENCE.test(read.raw)) {
      value = { kind: 'opaque', text: read.raw, range, path };
    } else {
      const str: Str = { kind: 'string', value: read.value, range, path };
      value = attachEmbedded(str, read.map, ctx, read.multiline);
    }
    entries.push({ key, keyRange, value });
    pos = nextLine(text, endOfLine(text, read.end));
  }
  return [{ kind: 'object', entries, range: ctx.range(0, text.length), path: ctx.basePath }];
}

interface ValueRead {
  value: string;
  map: OffsetMap;
  /** Source text of the value, quotes included; also the text of an opaque value. */
  raw: string;
  /** Offset just past the value (closing quote included). */
  end: number;
  /** Whether `$` references expand in this quoting style. */
  interpolates: boolean;
  multiline: boolean;
}

function readValue(text: string, start: number, lineEnd: number, ctx: LowerContext): ValueRead {
  const q = text[start];
  if (q === '"' || q === "'" || q === '`') {
    const chars: string[] = [];
    const offsets: number[] = [];
    let i = start + 1;
    let closed = false;
    // References are only live where the `$` was not escaped.
    let liveRef = false;
    while (i < text.length) {
      const c = text[i];
      if (c === q) {
        closed = true;
        break;
      }
      if (q === '"' && c === '\\' && i + 1 < text.length) {
        const n = text[i + 1];
        const d = DOUBLE_ESCAPES[n] ?? '\\' + n;
        for (let k = 0; k < d.length; k++) {
          chars.push(d[k]);
          offsets.push(i);
        }
        i += 2;
        continue;
      }
      if (q === '"' && c === '$' && REFERENCE.test(text.slice(i, i + 2 + 256))) liveRef = true;
      chars.push(c);
      offsets.push(i);
      i++;
    }
    if (!closed) {
      // An unclosed quote: take the rest of the line rather than the rest of the file.
      ctx.problems.push({ message: `unterminated ${q} quote`, range: ctx.range(start, lineEnd) });
      const raw = text.slice(start, lineEnd);
      const value = text.slice(start + 1, lineEnd);
      return { value, map: (idx) => start + 1 + idx, raw, end: lineEnd, interpolates: q === '"', multiline: false };
    }
    const end = i + 1;
    const value = chars.join('');
    return {
      value,
      map: (idx) => (idx < offsets.length ? offsets[idx] : i),
      raw: text.slice(start, end),
      end,
      interpolates: liveRef,
      multiline: value.includes('\n'),
    };
  }
  // Unquoted: up to a comment (`#` after whitespace) or the end of the line, trimmed.
  let end = lineEnd;
  for (let i = start; i < lineEnd; i++) {
    if (text[i] === '#' && (i === start || text[i - 1] === ' ' || text[i - 1] === '\t')) {
      end = i;
      break;
    }
  }
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  const raw = text.slice(start, end);
  return { value: raw, map: (idx) => start + idx, raw, end, interpolates: true, multiline: false };
}

function endOfLine(text: string, from: number): number {
  let i = from;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

function nextLine(text: string, lineEnd: number): number {
  if (text[lineEnd] === '\r' && text[lineEnd + 1] === '\n') return lineEnd + 2;
  return lineEnd + 1;
}
