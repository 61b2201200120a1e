// A document as a map from stable identities to nodes, so before and after can be compared key by
// key whatever the order of keys, documents, blocks or named list items.
import type { Doc, KeyPath, Node, SourceRange, Str } from '../model';
import { resolve, scalarText } from '../model';

export interface Entry {
  /** Identity across versions: object keys, HCL labels, `[name=x]` for named list items. */
  id: string;
  node: Node;
  /** Model key path (numbers for list indices), what `drift.protect`/`pins` patterns match. */
  path: KeyPath;
  /**
   * Key names for catalogue matching, root first, without list indices. A `{name: X, value: v}`
   * list item's `value` is named `X` (Kubernetes `env`), and `KEY=v` list strings become `KEY`.
   */
  names: string[];
  /** Where the key is written (the entry's key), when it has one. */
  keyRange?: SourceRange;
  parent?: Entry;
  /** Scalars, opaque values, lists of scalars and empty containers: compared by value. */
  leaf: boolean;
  /** Range to flag: the key and its value. */
  range: SourceRange;
  /** The value of a `KEY=value` list string, which has no node of its own. */
  text?: string;
  /**
   * A scalar operand of an expression or positional argument of a call (`x == "1"`,
   * `getenv("DEBUG", "True")`): it carries the key's name so connection strings in it are read,
   * but it is not the key's value, so the catalogue does not judge it as one.
   */
  operand?: boolean;
  /** Callees of the calls this entry is an argument of (`requests.get`, `cors`), nearest last. */
  callees?: string[];
}

export interface FlatDoc {
  doc: Doc;
  entries: Map<string, Entry>;
}

const MAX_DEPTH = 200;

/** Keys whose scalar value names a list item well enough to match it across versions. */
const ITEM_IDENTITY_KEYS = ['name', 'id', 'key', 'Sid', 'sid', 'containerPort', 'mountPath'];

export function flatten(doc: Doc): FlatDoc {
  const entries = new Map<string, Entry>();
  const rootIds = new Map<string, number>();
  doc.roots.forEach((root, i) => {
    let base = rootIdentity(root) ?? (root.path.length ? 'root:' + root.path.join('.') : `doc[${i}]`);
    const seen = rootIds.get(base) ?? 0;
    rootIds.set(base, seen + 1);
    if (seen) base += `#${seen}`;
    const names = root.path.filter((p): p is string => typeof p === 'string');
    add(entries, { id: base, node: root, path: root.path, names, leaf: isLeaf(root), range: root.range }, 0);
  });
  return { doc, entries };
}

/** Kubernetes-style objects are matched by kind/namespace/name so re-ordering documents is no change. */
function rootIdentity(root: Node): string | undefined {
  const r = resolve(root);
  if (r.kind !== 'object') return undefined;
  const kind = scalarText(child(r, 'kind'));
  const meta = child(r, 'metadata');
  const name = scalarText(child(meta, 'name'));
  if (!kind || !name) return undefined;
  const ns = scalarText(child(meta, 'namespace')) ?? '';
  return `k8s:${kind}/${ns}/${name}`;
}

function child(node: Node | undefined, key: string): Node | undefined {
  if (!node || node.kind !== 'object') return undefined;
  const e = node.entries.find((x) => x.key === key);
  return e ? resolve(e.value) : undefined;
}

function add(entries: Map<string, Entry>, entry: Entry, depth: number): void {
  entries.set(entry.id, entry);
  if (depth > MAX_DEPTH || entry.leaf) return;
  const node = resolve(entry.node);
  switch (node.kind) {
    case 'object': {
      const counts = new Map<string, number>();
      for (const e of node.entries) {
        const v = resolve(e.value);
        const labels = v.kind === 'object' && v.labels?.length ? ':' + v.labels.join(':') : '';
        let seg = e.key + labels;
        const n = counts.get(seg) ?? 0;
        counts.set(seg, n + 1);
        if (n) seg += `#${n}`;
        const range = spanning(e.keyRange, e.value.range);
        add(
          entries,
          {
            id: `${entry.id}\u0000${seg}`,
            node: v,
            path: v.path,
            names: [...entry.names, e.key],
            keyRange: e.keyRange,
            parent: entry,
            callees: entry.callees,
            leaf: isLeaf(v),
            range,
          },
          depth + 1,
        );
      }
      break;
    }
    case 'array': {
      if (isAssignmentList(node.items)) {
        for (const raw of node.items) {
          const item = raw as Str;
          const eq = item.value.indexOf('=');
          const key = item.value.slice(0, eq).trim();
          add(entries, { id: `${entry.id}\u0000${key}`, node: item, path: [...item.path], names: [...entry.names, key], parent: entry, callees: entry.callees, leaf: true, range: item.range, text: item.value.slice(eq + 1) }, depth + 1);
        }
        break;
      }
      const ids = new Set<string>();
      node.items.forEach((raw, i) => {
        const item = resolve(raw);
        let seg = itemIdentity(item) ?? `[${i}]`;
        if (ids.has(seg)) seg = `[${i}]`;
        ids.add(seg);
        const itemEntry: Entry = {
          id: `${entry.id}\u0000${seg}`,
          node: item,
          path: item.path,
          names: entry.names,
          parent: entry,
          callees: entry.callees,
          leaf: isLeaf(item),
          range: item.range,
        };
        add(entries, itemEntry, depth + 1);
        const named = namedValue(item);
        if (named) {
          const existing = entries.get(`${itemEntry.id}\u0000value`);
          if (existing) existing.names = [...entry.names, named];
        }
      });
      break;
    }
    case 'opaque': {
      const callees = node.callee ? [...(entry.callees ?? []), node.callee] : entry.callees;
      node.args?.forEach((a, i) => {
        const v = resolve(a);
        const leaf = isLeaf(v);
        const operand = leaf && v.kind !== 'array' && v.kind !== 'object';
        add(entries, { id: `${entry.id}\u0000(${i})`, node: v, path: v.path, names: entry.names, parent: entry, callees, operand, leaf, range: v.range }, depth + 1);
      });
      if (node.kwargs) {
        add(entries, { id: `${entry.id}\u0000(kw)`, node: node.kwargs, path: node.kwargs.path, names: entry.names, parent: entry, callees, leaf: false, range: node.kwargs.range }, depth + 1);
      }
      break;
    }
    default:
      break;
  }
}

function itemIdentity(item: Node): string | undefined {
  if (item.kind !== 'object') return undefined;
  for (const k of ITEM_IDENTITY_KEYS) {
    const v = scalarText(child(item, k));
    if (v !== undefined) return `[${k}=${v}]`;
  }
  return undefined;
}

/** `{name: X, value: v}` list items (Kubernetes env vars) name their value `X`. */
function namedValue(item: Node): string | undefined {
  if (item.kind !== 'object') return undefined;
  const name = scalarText(child(item, 'name'));
  return name !== undefined && item.entries.some((e) => e.key === 'value') ? name : undefined;
}

/** docker-compose `environment: ["KEY=value", ...]` and similar lists of assignments. */
function isAssignmentList(items: Node[]): boolean {
  return items.length > 0 && items.every((i) => i.kind === 'string' && /^\s*[A-Za-z_][\w.-]*\s*=/.test(i.value));
}

/** Opaque values that are calls with arguments are walked into; other values are compared whole. */
export function isLeaf(node: Node): boolean {
  const n = resolve(node);
  switch (n.kind) {
    case 'object':
      return n.entries.length === 0;
    case 'array':
      if (isAssignmentList(n.items)) return false;
      return n.items.every((i) => {
        const r = resolve(i);
        return r.kind !== 'object' && r.kind !== 'array' && !(r.kind === 'opaque' && (r.args?.length || r.kwargs));
      });
    case 'opaque':
      return !(n.args?.length || n.kwargs);
    default:
      return true;
  }
}

function spanning(a: SourceRange, b: SourceRange): SourceRange {
  if (a.startOffset <= b.startOffset && b.endOffset >= a.endOffset) {
    return { startOffset: a.startOffset, endOffset: b.endOffset, startLine: a.startLine, startColumn: a.startColumn, endLine: b.endLine, endColumn: b.endColumn };
  }
  return b;
}

/** The entry's parents, nearest first. */
export function ancestors(e: Entry): Entry[] {
  const out: Entry[] = [];
  for (let p = e.parent; p; p = p.parent) out.push(p);
  return out;
}
