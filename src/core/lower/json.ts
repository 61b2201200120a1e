// JSON and JSONC -> model. Also used for JSON embedded in strings of other languages.
import type { Node as TsNode } from 'web-tree-sitter';
import type { KeyPath, Node, ObjEntry } from '../model';
import type { LowerContext } from './context';
import { attachEmbedded, decodeEscapes } from './embedded';

export function lowerJson(root: TsNode, ctx: LowerContext): Node[] {
  const out: Node[] = [];
  for (const child of root.namedChildren) {
    if (!child || child.type === 'comment') continue;
    out.push(lowerValue(child, ctx.basePath, ctx, 0, ctx.reuse?.oldRoots));
  }
  return out;
}

/** Nesting beyond this becomes opaque: hostile input must not exhaust the stack. */
const MAX_DEPTH = 500;

/**
 * `oldSiblings`: when re-lowering after an incremental re-parse, the previous lowering of this
 * value's container (a JSON value depends only on its text and key path, so an untouched one is
 * taken over).
 */
function lowerValue(node: TsNode, path: KeyPath, ctx: LowerContext, depth = 0, oldSiblings?: readonly Node[]): Node {
  let old: Node | undefined;
  if (ctx.reuse && oldSiblings) {
    old = ctx.reuse.counterpart(oldSiblings, node);
    const kept = ctx.reuse.keep(old, node, path);
    if (kept) return kept;
  }
  const range = ctx.rangeOf(node);
  if (depth > MAX_DEPTH) return ctx.opaque(node, path);
  switch (node.type) {
    case 'object': {
      const oldEntries = old?.kind === 'object' ? old.entries : undefined;
      const oldValues = oldEntries?.map((e) => e.value);
      const entries: ObjEntry[] = [];
      for (const pair of node.namedChildren) {
        if (!pair || pair.type !== 'pair') continue;
        const kept = ctx.reuse?.keepEntry(oldEntries, pair, path);
        if (kept) {
          entries.push(kept);
          continue;
        }
        const k = pair.childForFieldName('key');
        const v = pair.childForFieldName('value');
        if (!k || !v) continue;
        const key = k.type === 'string' ? jsonString(k) : k.text;
        entries.push({ key, keyRange: ctx.rangeOf(k), value: lowerValue(v, [...path, key], ctx, depth + 1, oldValues) });
      }
      return { kind: 'object', entries, range, path };
    }
    case 'array': {
      const oldItems = old?.kind === 'array' ? old.items : undefined;
      const items: Node[] = [];
      for (const c of node.namedChildren) {
        if (!c || c.type === 'comment') continue;
        items.push(lowerValue(c, [...path, items.length], ctx, depth + 1, oldItems));
      }
      return { kind: 'array', items, range, path };
    }
    case 'string': {
      const raw = node.text;
      const closed = raw.length >= 2 && raw.endsWith('"');
      const { value, map } = decodeEscapes(raw.slice(1, closed ? -1 : undefined), node.startIndex + 1);
      // A policy or config serialised into a string (CloudFormation, k8s annotations) is a document.
      return attachEmbedded({ kind: 'string', value, range, path }, map, ctx, false);
    }
    case 'number': {
      const value = Number(node.text);
      return Number.isNaN(value) ? ctx.opaque(node, path) : { kind: 'number', value, raw: node.text, range, path };
    }
    case 'true':
    case 'false':
      return { kind: 'boolean', value: node.type === 'true', range, path };
    case 'null':
      return { kind: 'null', range, path };
    default:
      return ctx.opaque(node, path);
  }
}

/** The decoded value of a JSON string node (escapes resolved; invalid escapes kept verbatim). */
export function jsonString(node: TsNode): string {
  const raw = node.text;
  const inner = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw.replace(/^"/, '');
  if (!inner.includes('\\')) return inner;
  try {
    return JSON.parse(`"${inner}"`) as string;
  } catch {
    return inner;
  }
}
