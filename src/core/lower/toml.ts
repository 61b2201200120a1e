// TOML -> model: one root object; tables, dotted keys and arrays of tables nest as the TOML
// specification defines them; dates and times are strings.
import type { Node as TsNode } from 'web-tree-sitter';
import type { Arr, KeyPath, Node, Obj, SourceRange, Str } from '../model';
import type { LowerContext } from './context';
import { attachEmbedded, decodeBackslashEscape, type OffsetMap } from './embedded';

/** Nesting (arrays, inline tables, dotted keys) beyond this becomes opaque. */
const MAX_DEPTH = 500;

const KEY_TYPES = new Set(['bare_key', 'quoted_key', 'dotted_key']);
const DATE_TYPES = new Set(['offset_date_time', 'local_date_time', 'local_date', 'local_time']);

interface KeyPart {
  key: string;
  range: SourceRange;
}

export function lowerToml(root: TsNode, ctx: LowerContext): Node[] {
  if (root.type === 'ERROR') return [ctx.opaque(root, ctx.basePath)];
  const doc: Obj = { kind: 'object', entries: [], range: ctx.rangeOf(root), path: ctx.basePath };
  for (const c of root.namedChildren) {
    if (!c || c.type === 'comment') continue;
    if (c.type === 'pair') {
      addPair(doc, c, ctx, 0);
    } else if (c.type === 'table' || c.type === 'table_array_element') {
      const keyNode = c.namedChildren.find((x) => !!x && KEY_TYPES.has(x.type));
      const parts = keyNode ? keyParts(keyNode, ctx) : undefined;
      if (!parts) {
        doc.entries.push({ key: keyNode?.text ?? '', keyRange: ctx.rangeOf(keyNode ?? c), value: ctx.opaque(c, [...ctx.basePath, keyNode?.text ?? '']) });
        continue;
      }
      const table = c.type === 'table' ? openTable(doc, parts, c, ctx) : appendTable(doc, parts, c, ctx);
      for (const p of c.namedChildren) if (p?.type === 'pair') addPair(table, p, ctx, parts.length);
    } else if (c.type === 'ERROR') {
      doc.entries.push({ key: '', keyRange: ctx.rangeOf(c), value: ctx.opaque(c, [...ctx.basePath, '']) });
    }
  }
  return [doc];
}

/** The segments of a (possibly dotted) key, or undefined when there are too many of them. */
function keyParts(node: TsNode, ctx: LowerContext): KeyPart[] | undefined {
  const out: KeyPart[] = [];
  // dotted_key nests to the left (`a.b.c` = ((a.b).c)); walk it without recursion.
  const stack: TsNode[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'dotted_key') {
      const kids = n.namedChildren.filter((x): x is TsNode => !!x && KEY_TYPES.has(x.type));
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
      if (stack.length > MAX_DEPTH) return undefined;
      continue;
    }
    out.push({ key: n.type === 'quoted_key' ? decodeString(n, ctx).value : n.text, range: ctx.rangeOf(n) });
    if (out.length > MAX_DEPTH) return undefined;
  }
  return out;
}

/** The object at `parts` below `from`, created (with `range`) where missing. */
function descend(from: Obj, parts: KeyPart[], range: SourceRange): Obj {
  let cur = from;
  for (const part of parts) {
    const existing = [...cur.entries].reverse().find((e) => e.key === part.key);
    let next: Obj | undefined;
    if (existing?.value.kind === 'object') next = existing.value;
    else if (existing?.value.kind === 'array') {
      const last = existing.value.items[existing.value.items.length - 1];
      if (last?.kind === 'object') next = last;
    }
    if (!next) {
      next = { kind: 'object', entries: [], range, path: [...cur.path, part.key] };
      cur.entries.push({ key: part.key, keyRange: part.range, value: next });
    }
    cur = next;
  }
  return cur;
}

/** `[a.b]`: the table object, its range the whole section. */
function openTable(doc: Obj, parts: KeyPart[], node: TsNode, ctx: LowerContext): Obj {
  const range = ctx.rangeOf(node);
  const table = descend(doc, parts, range);
  if (table.entries.length === 0) table.range = range;
  return table;
}

/** `[[a.b]]`: a new object appended to the array of tables at `a.b`. */
function appendTable(doc: Obj, parts: KeyPart[], node: TsNode, ctx: LowerContext): Obj {
  const range = ctx.rangeOf(node);
  const parent = descend(doc, parts.slice(0, -1), range);
  const last = parts[parts.length - 1];
  let arr = [...parent.entries].reverse().find((e) => e.key === last.key)?.value;
  if (arr?.kind !== 'array') {
    arr = { kind: 'array', items: [], range, path: [...parent.path, last.key] } satisfies Arr;
    parent.entries.push({ key: last.key, keyRange: last.range, value: arr });
  }
  const item: Obj = { kind: 'object', entries: [], range, path: [...arr.path, arr.items.length] };
  arr.items.push(item);
  // The array spans from its first `[[...]]` section to its latest one.
  arr.range = { ...arr.range, endOffset: range.endOffset, endLine: range.endLine, endColumn: range.endColumn };
  return item;
}

function addPair(table: Obj, pair: TsNode, ctx: LowerContext, depth: number): void {
  const named = pair.namedChildren.filter((x): x is TsNode => !!x && x.type !== 'comment');
  const keyNode = named.find((x) => KEY_TYPES.has(x.type));
  const valueNode = named.find((x) => x !== keyNode);
  if (!keyNode) return;
  const parts = keyParts(keyNode, ctx);
  if (!parts || depth + parts.length > MAX_DEPTH) {
    table.entries.push({ key: keyNode.text, keyRange: ctx.rangeOf(keyNode), value: ctx.opaque(pair, [...table.path, keyNode.text]) });
    return;
  }
  const owner = descend(table, parts.slice(0, -1), ctx.rangeOf(pair));
  const last = parts[parts.length - 1];
  const path = [...owner.path, last.key];
  owner.entries.push({ key: last.key, keyRange: last.range, value: valueNode ? lowerValue(valueNode, path, ctx, depth + parts.length) : ctx.opaque(pair, path) });
}

function lowerValue(node: TsNode, path: KeyPath, ctx: LowerContext, depth: number): Node {
  if (depth > MAX_DEPTH) return ctx.opaque(node, path);
  const range = ctx.rangeOf(node);
  switch (node.type) {
    case 'string': {
      const { value, map } = decodeString(node, ctx);
      const str: Str = { kind: 'string', value, range, path };
      return attachEmbedded(str, map, ctx, isMultiline(node, ctx));
    }
    case 'integer': {
      const value = tomlInteger(node.text);
      return value === undefined ? ctx.opaque(node, path) : { kind: 'number', value, raw: node.text, range, path };
    }
    case 'float': {
      const t = node.text.replace(/_/g, '');
      const value = /^[-+]?inf$/.test(t) ? (t.startsWith('-') ? -Infinity : Infinity) : /^[-+]?nan$/.test(t) ? NaN : Number(t);
      return { kind: 'number', value, raw: node.text, range, path };
    }
    case 'boolean':
      return { kind: 'boolean', value: node.text === 'true', range, path };
    case 'array': {
      const items: Node[] = [];
      for (const c of node.namedChildren) {
        if (!c || c.type === 'comment') continue;
        items.push(lowerValue(c, [...path, items.length], ctx, depth + 1));
      }
      return { kind: 'array', items, range, path };
    }
    case 'inline_table': {
      const obj: Obj = { kind: 'object', entries: [], range, path };
      for (const p of node.namedChildren) if (p?.type === 'pair') addPair(obj, p, ctx, depth + 1);
      return obj;
    }
    default:
      if (DATE_TYPES.has(node.type)) return { kind: 'string', value: node.text, range, path };
      return ctx.opaque(node, path);
  }
}

function tomlInteger(text: string): number | undefined {
  const t = text.replace(/_/g, '');
  const m = /^([-+]?)0([xob])([0-9a-fA-F]+)$/.exec(t);
  if (m) {
    const v = parseInt(m[3], m[2] === 'x' ? 16 : m[2] === 'o' ? 8 : 2);
    return Number.isNaN(v) ? undefined : m[1] === '-' ? -v : v;
  }
  const v = Number(t);
  return Number.isNaN(v) ? undefined : v;
}

function isMultiline(node: TsNode, ctx: LowerContext): boolean {
  const q = ctx.text.slice(node.startIndex, node.startIndex + 3);
  return q === '"""' || q === "'''";
}

const TOML_ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b', '"': '"', '\\': '\\' };

/**
 * A TOML string or quoted key: basic strings decode escapes, literal strings are raw, multi-line
 * strings drop the newline right after the opening quotes and basic ones join lines ending in `\`.
 */
function decodeString(node: TsNode, ctx: LowerContext): { value: string; map: OffsetMap } {
  const text = ctx.text;
  const quote = text.slice(node.startIndex, node.startIndex + 3);
  const multi = quote === '"""' || quote === "'''";
  const literal = text[node.startIndex] === "'";
  const q = multi ? 3 : 1;
  let i = node.startIndex + q;
  const end = Math.max(i, node.endIndex - q);
  if (multi) {
    if (text[i] === '\n') i++;
    else if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
  }
  const chars: string[] = [];
  const offsets: number[] = [];
  while (i < end) {
    const c = text[i];
    if (!literal && c === '\\' && i + 1 < end) {
      const n = text[i + 1];
      if (multi && /[ \t\r\n]/.test(n)) {
        // Line-ending backslash: skip the break and all whitespace after it.
        let k = i + 1;
        while (k < end && (text[k] === ' ' || text[k] === '\t')) k++;
        if (text[k] === '\n' || text[k] === '\r') {
          while (k < end && /[ \t\r\n]/.test(text[k])) k++;
          i = k;
          continue;
        }
      }
      const { decoded, len } = decodeBackslashEscape(text, i, TOML_ESCAPES, { u: 4, U: 8, x: 2 });
      for (let k = 0; k < decoded.length; k++) {
        chars.push(decoded[k]);
        offsets.push(i);
      }
      i += len;
      continue;
    }
    chars.push(c);
    offsets.push(i);
    i++;
  }
  return { value: chars.join(''), map: (idx) => (idx < offsets.length ? offsets[idx] : end) };
}
