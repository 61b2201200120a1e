// Documents inside strings: JSON policies in string literals, heredocs holding JSON or YAML.
import type { KeyPath, Node, Str } from '../model';
import { LowerContext } from './context';
import { lowerJson } from './json';
import { lowerYaml, yamlTooDeep } from './yaml';

/** Maps an index in a decoded string value to an offset in the outer file. */
export type OffsetMap = (index: number) => number;

export function linearMap(start: number): OffsetMap {
  return (i) => start + i;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0', a: '\x07', e: '\x1b' };

/**
 * One backslash escape at `text[i]` (the backslash) in a language with the given simple escapes
 * and hex escapes (`u` -> 4 digits, ...): the decoded text and the source length it consumed.
 * Unknown or malformed escapes are kept as written.
 */
export function decodeBackslashEscape(
  text: string,
  i: number,
  simple: Readonly<Record<string, string>>,
  hexLengths: Readonly<Record<string, number>>,
): { decoded: string; len: number } {
  const n = text[i + 1];
  const hexLen = hexLengths[n] ?? 0;
  if (hexLen) {
    const hex = text.slice(i + 2, i + 2 + hexLen);
    if (hex.length === hexLen && /^[0-9a-fA-F]+$/.test(hex) && parseInt(hex, 16) <= 0x10ffff) {
      return { decoded: String.fromCodePoint(parseInt(hex, 16)), len: 2 + hexLen };
    }
  }
  return { decoded: simple[n] ?? '\\' + n, len: 2 };
}

/**
 * Decodes backslash escapes (JSON, JS, Python, Go, HCL all share the common ones) and keeps, for
 * each decoded UTF-16 unit, the offset of the source character it came from.
 */
export function decodeEscapes(raw: string, start: number): { value: string; map: OffsetMap } {
  if (!raw.includes('\\')) return { value: raw, map: linearMap(start) };
  let value = '';
  const offsets: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== '\\' || i === raw.length - 1) {
      value += c;
      offsets.push(start + i);
      continue;
    }
    const n = raw[i + 1];
    let decoded: string;
    let len = 2;
    if (n === 'u' && raw[i + 2] === '{') {
      const close = raw.indexOf('}', i + 3);
      const cp = close > 0 ? parseInt(raw.slice(i + 3, close), 16) : NaN;
      decoded = Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : n;
      len = close > 0 ? close - i + 1 : 2;
    } else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(raw.slice(i + 2, i + 6))) {
      decoded = String.fromCharCode(parseInt(raw.slice(i + 2, i + 6), 16));
      len = 6;
    } else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(raw.slice(i + 2, i + 4))) {
      decoded = String.fromCharCode(parseInt(raw.slice(i + 2, i + 4), 16));
      len = 4;
    } else if (n === '\n') {
      decoded = '';
    } else {
      decoded = SIMPLE_ESCAPES[n] ?? n;
    }
    for (let k = 0; k < decoded.length; k++) offsets.push(start + i);
    value += decoded;
    i += len - 1;
  }
  const end = start + raw.length;
  return { value, map: (idx) => (idx < offsets.length ? offsets[idx] : end) };
}

/**
 * Parses a string's value as an embedded JSON object (or, where the caller allows, a YAML
 * mapping) and attaches it to the string node. Ranges of the embedded nodes point into the
 * outer file. Only clean parses count: a string that merely starts with `{` stays a string.
 */
export function attachEmbedded(str: Str, map: OffsetMap, ctx: LowerContext, allowYaml = false): Str {
  const embedded = parseEmbedded(str.value, map, str.path, ctx, allowYaml);
  if (embedded) str.embedded = embedded;
  return str;
}

const MAX_EMBEDDED = 1_000_000;

export function parseEmbedded(value: string, map: OffsetMap, path: KeyPath, ctx: LowerContext, allowYaml: boolean): Node | undefined {
  if (value.length > MAX_EMBEDDED) return undefined;
  const trimmed = value.trimStart();
  if (trimmed.startsWith('{')) {
    const parser = ctx.embeddedParsers.json;
    if (!parser) return undefined;
    const tree = parser.parse(value);
    if (!tree) return undefined;
    try {
      if (tree.rootNode.hasError) return undefined;
      const inner = new LowerContext('json', value, ctx.lines, ctx.embeddedParsers, composeMap(ctx, map), path);
      const roots = lowerJson(tree.rootNode, inner);
      return roots.length === 1 && roots[0].kind === 'object' ? roots[0] : undefined;
    } finally {
      tree.delete();
    }
  }
  if (allowYaml && /^[\w"'.-]+\s*:(\s|$)/m.test(trimmed) && trimmed.includes('\n') && !yamlTooDeep(value)) {
    const parser = ctx.embeddedParsers.yaml;
    if (!parser) return undefined;
    const tree = parser.parse(value);
    if (!tree) return undefined;
    try {
      if (tree.rootNode.hasError) return undefined;
      const inner = new LowerContext('yaml', value, ctx.lines, ctx.embeddedParsers, composeMap(ctx, map), path);
      const roots = lowerYaml(tree.rootNode, inner);
      return roots.length === 1 && roots[0].kind === 'object' ? roots[0] : undefined;
    } finally {
      tree.delete();
    }
  }
  return undefined;
}

/** An embedded context inside an embedded context maps through both. */
function composeMap(ctx: LowerContext, map: OffsetMap): OffsetMap {
  const outer = ctx.offsetMap;
  return outer ? (i) => outer(map(i)) : map;
}
