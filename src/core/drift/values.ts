// What a configuration value means, whatever the format wrote: `"false"`, `0`, `no` and `off`
// are all false in a .env file; a `${VAR}` reference is unresolved and compared as text.
import type { Node } from '../model';
import { resolve } from '../model';
import type { Entry } from './flatten';

export type Value =
  | { kind: 'scalar'; text: string; num?: number; bool?: boolean; isNull?: boolean; unresolved?: boolean }
  | { kind: 'list'; items: Value[] }
  | { kind: 'object' }
  | { kind: 'opaque'; text: string };

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1', 'y', 't', 'enable', 'enabled']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0', 'n', 'f', 'disable', 'disabled', 'none']);

/** `${VAR}`, `$VAR`, `{{ .Values.x }}`: a string whose real value is filled in later. */
const REFERENCE = /\$\{[^}]*\}|\{\{[^}]*\}\}|^\$[A-Za-z_]\w*$/;

export function scalarValue(text: string): Value {
  const t = text.trim();
  const lower = t.toLowerCase();
  const v: Value = { kind: 'scalar', text: t };
  if (REFERENCE.test(t)) {
    v.unresolved = true;
    return v;
  }
  if (TRUE_WORDS.has(lower)) v.bool = true;
  else if (FALSE_WORDS.has(lower)) v.bool = false;
  if (t !== '' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) v.num = Number(t);
  return v;
}

export function nodeValue(node: Node): Value {
  const n = resolve(node);
  switch (n.kind) {
    case 'string':
      return scalarValue(n.value);
    case 'number':
      return { kind: 'scalar', text: String(n.value), num: n.value, bool: n.value === 0 ? false : n.value === 1 ? true : undefined };
    case 'boolean':
      return { kind: 'scalar', text: String(n.value), bool: n.value };
    case 'null':
      return { kind: 'scalar', text: 'null', isNull: true };
    case 'array':
      return { kind: 'list', items: n.items.map(nodeValue) };
    case 'object':
      return { kind: 'object' };
    case 'opaque':
      return { kind: 'opaque', text: n.text.replace(/\s+/g, ' ').trim() };
  }
}

export function entryValue(e: Entry): Value {
  return e.text !== undefined ? scalarValue(e.text) : nodeValue(e.node);
}

/**
 * A comparison key: equal keys mean "no change". Booleans compare by meaning (`"true"` and `true`
 * are the same setting), numbers by value, lists as multisets (re-ordering is not a change).
 */
export function valueKey(v: Value): string {
  switch (v.kind) {
    case 'scalar':
      if (v.bool !== undefined && v.num === undefined && v.text.toLowerCase() in BOOL_CANON) return `b:${v.bool}`;
      if (v.num !== undefined) return `n:${v.num}`;
      if (v.isNull) return 'null';
      return `s:${v.text}`;
    case 'list':
      return `l:[${v.items.map(valueKey).sort().join(',')}]`;
    case 'object':
      return 'o';
    case 'opaque':
      return `x:${v.text}`;
  }
}

/** Only these spellings are the same boolean in every format; `on`/`yes` stay text for YAML 1.2. */
const BOOL_CANON: Record<string, true> = { true: true, false: true };

/** How the value reads in a message: `false`, `"public-read"`, `[a, b]`, `${var.x}` (unresolved). */
export function showValue(v: Value | undefined): string {
  if (!v) return '(absent)';
  switch (v.kind) {
    case 'scalar':
      if (v.isNull) return 'null';
      if (v.unresolved) return `${JSON.stringify(v.text)} (unresolved)`;
      if (v.bool !== undefined && v.text.toLowerCase() in BOOL_CANON) return v.text.toLowerCase();
      if (v.num !== undefined) return v.text;
      return JSON.stringify(v.text.length > 80 ? v.text.slice(0, 77) + '...' : v.text);
    case 'list':
      return v.items.length > 6 ? `[${v.items.slice(0, 6).map(showValue).join(', ')}, ... ${v.items.length} items]` : `[${v.items.map(showValue).join(', ')}]`;
    case 'object':
      return '{...}';
    case 'opaque':
      return (v.text.length > 60 ? v.text.slice(0, 57) + '...' : v.text) + ' (unresolved)';
  }
}

/** Plain text of a value for fingerprints. */
export function valueText(v: Value | undefined): string {
  if (!v) return '<absent>';
  switch (v.kind) {
    case 'scalar':
      return v.text;
    case 'list':
      return v.items.map(valueText).sort().join(',');
    case 'object':
      return '{}';
    case 'opaque':
      return v.text;
  }
}

/** The scalar texts a value holds: itself, or each item of a list. */
export function texts(v: Value): string[] {
  if (v.kind === 'scalar' || v.kind === 'opaque') return [v.text];
  if (v.kind === 'list') return v.items.flatMap(texts);
  return [];
}

export function isOpaque(v: Value | undefined): boolean {
  return !!v && (v.kind === 'opaque' || (v.kind === 'scalar' && !!v.unresolved) || (v.kind === 'list' && v.items.some(isOpaque)));
}
