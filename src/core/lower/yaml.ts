// YAML (multi-document streams) -> model: core-schema typing, anchors and merge keys expanded,
// CloudFormation short-form intrinsics rewritten to their long form.
import type { Node as TsNode } from 'web-tree-sitter';
import type { KeyPath, Node, Obj, ObjEntry, SourceRange, Str } from '../model';
import { scalarText } from '../model';
import type { LowerContext } from './context';
import { attachEmbedded, type OffsetMap } from './embedded';
import { coreSchemaType, decodeBlockScalar, decodeFlowScalar, type Decoded } from './yaml-scalars';

/** Nesting beyond this becomes opaque: hostile input must not exhaust the stack. */
const MAX_DEPTH = 500;
/** Nodes that alias expansion may copy per file; beyond it aliases stay opaque ("billion laughs"). */
const ALIAS_BUDGET = 200_000;

/** CloudFormation short-form tags and the long-form key each one stands for. */
const INTRINSICS: Record<string, string> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!GetAtt': 'Fn::GetAtt',
  '!Sub': 'Fn::Sub',
  '!Join': 'Fn::Join',
  '!If': 'Fn::If',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!FindInMap': 'Fn::FindInMap',
  '!ImportValue': 'Fn::ImportValue',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!GetAZs': 'Fn::GetAZs',
  '!Equals': 'Fn::Equals',
  '!Not': 'Fn::Not',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Transform': 'Fn::Transform',
  '!Length': 'Fn::Length',
  '!ToJsonString': 'Fn::ToJsonString',
};

const SCALAR_TYPES = new Set(['plain_scalar', 'single_quote_scalar', 'double_quote_scalar', 'block_scalar']);

export function lowerYaml(root: TsNode, ctx: LowerContext): Node[] {
  const lowering = new YamlLowering(ctx);
  const out: Node[] = [];
  if (root.type === 'ERROR') return root.text.trim() ? [ctx.opaque(root, ctx.basePath)] : [];
  const docs = root.type === 'document' ? [root] : root.namedChildren;
  for (const doc of docs) {
    if (!doc) continue;
    if (doc.type === 'ERROR') {
      out.push(ctx.opaque(doc, ctx.basePath));
      continue;
    }
    if (doc.type !== 'document') continue;
    for (const c of doc.namedChildren) {
      if (!c || (c.type !== 'block_node' && c.type !== 'flow_node' && c.type !== 'ERROR')) continue;
      // A document without anchors, aliases and merge keys depends on its own text alone; after
      // an edit elsewhere in the stream its previous lowering is taken over.
      const old = ctx.reuse?.counterpart(ctx.reuse.oldRoots, c);
      const kept = old && SELF_CONTAINED.has(old) ? ctx.reuse?.keep(old, c, ctx.basePath) : undefined;
      if (kept) {
        out.push(kept);
        continue;
      }
      const marks = lowering.crossReferences;
      const node = lowering.node(c, ctx.basePath, 0);
      if (lowering.crossReferences === marks) SELF_CONTAINED.add(node);
      out.push(node);
    }
  }
  return out;
}

/** Document roots whose lowering read no anchor, alias or merge key (see `lowerYaml`). */
const SELF_CONTAINED = new WeakSet<Node>();

class YamlLowering {
  private readonly anchors = new Map<string, Node>();
  private budget = ALIAS_BUDGET;
  /** Anchors, aliases and merge keys seen: lowering that depends on, or feeds, other documents. */
  crossReferences = 0;

  constructor(private readonly ctx: LowerContext) {}

  /** A block_node/flow_node: optional tag and anchor, then the content. */
  node(n: TsNode, path: KeyPath, depth: number): Node {
    if (depth > MAX_DEPTH || (n.type !== 'block_node' && n.type !== 'flow_node')) return this.content(n, path, depth, undefined);
    let tag: string | undefined;
    let anchor: string | undefined;
    let content: TsNode | undefined;
    for (const c of n.namedChildren) {
      if (!c || c.type === 'comment') continue;
      if (c.type === 'tag') tag = c.text;
      else if (c.type === 'anchor') anchor = c.namedChildren[0]?.text ?? c.text.slice(1);
      else content = c;
    }
    let value: Node;
    const intrinsic = tag ? INTRINSICS[tag] : undefined;
    if (intrinsic && tag) {
      const inner = [...path, intrinsic];
      let v = content ? this.content(content, inner, depth + 1, '!!str') : this.empty(n.endIndex, inner, '!!str');
      if (intrinsic === 'Fn::GetAtt' && v.kind === 'string') v = this.splitGetAtt(v, content);
      const tagNode = n.namedChildren.find((c) => c?.type === 'tag');
      value = {
        kind: 'object',
        entries: [{ key: intrinsic, keyRange: tagNode ? this.ctx.rangeOf(tagNode) : this.ctx.rangeOf(n), value: v }],
        range: this.ctx.rangeOf(n),
        path,
        tag,
      };
    } else {
      value = content ? this.content(content, path, depth, tag) : this.empty(n.endIndex, path, tag);
      if (tag && !tag.startsWith('!!') && tag !== '!') value.tag = tag;
    }
    if (anchor !== undefined) {
      this.crossReferences++;
      this.anchors.set(anchor, value);
    }
    return value;
  }

  private content(c: TsNode, path: KeyPath, depth: number, tag: string | undefined): Node {
    if (depth > MAX_DEPTH) return this.ctx.opaque(c, path);
    switch (c.type) {
      case 'block_mapping':
      case 'flow_mapping':
        return this.mapping(c, path, depth);
      case 'block_sequence':
      case 'flow_sequence':
        return this.sequence(c, path, depth);
      case 'plain_scalar':
      case 'single_quote_scalar':
      case 'double_quote_scalar':
      case 'block_scalar':
        return this.scalar(c, path, tag);
      case 'alias':
        return this.alias(c, path, depth);
      default:
        return this.ctx.opaque(c, path);
    }
  }

  /** A mapping node, or a lone `k: v` flow pair inside a sequence (a one-entry mapping). */
  private mapping(c: TsNode, path: KeyPath, depth: number): Obj {
    const slots: Array<ObjEntry | ObjEntry[]> = [];
    const pairs = c.type === 'flow_pair' ? [c] : c.namedChildren;
    for (const pair of pairs) {
      if (!pair) continue;
      let keyNode: TsNode | null = null;
      let valueNode: TsNode | null = null;
      if (pair.type === 'block_mapping_pair' || pair.type === 'flow_pair') {
        keyNode = pair.childForFieldName('key');
        valueNode = pair.childForFieldName('value');
      } else if (pair.type === 'flow_node') {
        keyNode = pair;
      } else {
        continue;
      }
      const key = keyNode ? this.keyText(keyNode, path, depth) : '';
      const keyRange = keyNode ? this.ctx.rangeOf(keyNode) : this.ctx.range(pair.startIndex, pair.startIndex);
      if (keyNode && key === '<<' && isPlainKey(keyNode) && valueNode) {
        this.crossReferences++;
        const source = this.node(valueNode, [...path, '<<'], depth + 1);
        slots.push(this.mergeEntries(source, path, depth));
        continue;
      }
      const valuePath = [...path, key];
      const value = valueNode ? this.node(valueNode, valuePath, depth + 1) : this.empty(pair.endIndex, valuePath, undefined);
      slots.push({ key, keyRange, value });
    }
    // Explicit keys win over merged ones; among merged mappings the first one listed wins.
    const explicit = new Set<string>();
    for (const s of slots) if (!Array.isArray(s)) explicit.add(s.key);
    const merged = new Set<string>();
    const entries: ObjEntry[] = [];
    for (const s of slots) {
      if (!Array.isArray(s)) {
        entries.push(s);
        continue;
      }
      for (const e of s) {
        if (explicit.has(e.key) || merged.has(e.key)) continue;
        merged.add(e.key);
        entries.push(e);
      }
    }
    return { kind: 'object', entries, range: this.ctx.rangeOf(c), path };
  }

  /** The entries a merge key brings in: from one mapping, or from a list of them. */
  private mergeEntries(source: Node, path: KeyPath, depth: number): ObjEntry[] {
    const maps = source.kind === 'array' ? source.items : [source];
    const out: ObjEntry[] = [];
    for (const m of maps) {
      if (m.kind !== 'object') {
        this.ctx.problems.push({ message: 'merge key (<<) value is not a mapping', range: m.range });
        continue;
      }
      for (const e of m.entries) out.push({ key: e.key, keyRange: e.keyRange, value: this.copy(e.value, [...path, e.key], undefined, depth + 1) });
    }
    return out;
  }

  private keyText(keyNode: TsNode, path: KeyPath, depth: number): string {
    let content: TsNode | undefined;
    let hasAnchor = false;
    for (const c of keyNode.namedChildren) {
      if (!c || c.type === 'comment' || c.type === 'tag') continue;
      if (c.type === 'anchor') hasAnchor = true;
      else content = c;
    }
    if (content && !hasAnchor && SCALAR_TYPES.has(content.type) && content.type !== 'block_scalar') {
      return this.decode(content).value;
    }
    const lowered = this.node(keyNode, path, depth + 1);
    return scalarText(lowered) ?? keyNode.text;
  }

  private sequence(c: TsNode, path: KeyPath, depth: number): Node {
    const items: Node[] = [];
    for (const item of c.namedChildren) {
      if (!item || item.type === 'comment') continue;
      const itemPath = [...path, items.length];
      if (item.type === 'block_sequence_item') {
        const v = item.namedChildren.find((x) => x && x.type !== 'comment');
        items.push(v ? this.node(v, itemPath, depth + 1) : this.empty(item.endIndex, itemPath, undefined));
      } else if (item.type === 'flow_pair') {
        items.push(this.mapping(item, itemPath, depth + 1));
      } else if (item.type === 'flow_node') {
        items.push(this.node(item, itemPath, depth + 1));
      }
    }
    return { kind: 'array', items, range: this.ctx.rangeOf(c), path };
  }

  private decode(c: TsNode): Decoded {
    const text = this.ctx.text;
    switch (c.type) {
      case 'single_quote_scalar':
        return decodeFlowScalar(text, c.startIndex + 1, Math.max(c.startIndex + 1, c.endIndex - 1), 'single');
      case 'double_quote_scalar':
        return decodeFlowScalar(text, c.startIndex + 1, Math.max(c.startIndex + 1, c.endIndex - 1), 'double');
      case 'block_scalar':
        return decodeBlockScalar(text, c.startIndex, this.parentIndent(c));
      default:
        return decodeFlowScalar(text, c.startIndex, c.endIndex, 'plain');
    }
  }

  private scalar(c: TsNode, path: KeyPath, tag: string | undefined): Node {
    const decoded = this.decode(c);
    const range = this.ctx.rangeOf(c);
    if (c.type === 'plain_scalar' && (tag === undefined || tag.startsWith('!!'))) {
      const typed = typedScalar(decoded.value, tag);
      if (typed.kind === 'null') return { kind: 'null', range, path };
      if (typed.kind === 'boolean') return { kind: 'boolean', value: typed.value, range, path };
      if (typed.kind === 'number') return { kind: 'number', value: typed.value, raw: decoded.value, range, path };
    }
    const str: Str = { kind: 'string', value: decoded.value, range, path };
    return attachEmbedded(str, offsetMap(decoded), this.ctx, c.type === 'block_scalar');
  }

  /** A node with no content (`key:`, `- `, a lone tag): null, or '' when tagged as a string. */
  private empty(at: number, path: KeyPath, tag: string | undefined): Node {
    const range = this.ctx.range(at, at);
    if (tag && tag !== '!!null') return { kind: 'string', value: '', range, path };
    return { kind: 'null', range, path };
  }

  /** `!GetAtt Res.Attr.Sub` -> ["Res", "Attr.Sub"], each part with its own range. */
  private splitGetAtt(v: Str, content: TsNode | undefined): Node {
    const dot = v.value.indexOf('.');
    if (dot < 0 || !content) return { kind: 'array', items: [{ ...v, path: [...v.path, 0] }], range: v.range, path: v.path };
    const decoded = this.decode(content);
    const map = offsetMap(decoded);
    const part = (from: number, to: number, i: number): Str => ({
      kind: 'string',
      value: v.value.slice(from, to),
      range: this.ctx.range(map(from), to > from ? map(to - 1) + 1 : map(from)),
      path: [...v.path, i],
    });
    return { kind: 'array', items: [part(0, dot, 0), part(dot + 1, v.value.length, 1)], range: v.range, path: v.path };
  }

  private alias(c: TsNode, path: KeyPath, depth: number): Node {
    this.crossReferences++;
    const name = c.namedChildren.find((x) => x?.type === 'alias_name')?.text ?? c.text.slice(1);
    const target = this.anchors.get(name);
    if (!target) {
      this.ctx.problems.push({ message: `alias *${name} refers to no anchor`, range: this.ctx.rangeOf(c) });
      return this.ctx.opaque(c, path);
    }
    if (this.budget <= 0) {
      this.ctx.problems.push({ message: `alias *${name} not expanded: the file expands aliases beyond ${ALIAS_BUDGET} nodes`, range: this.ctx.rangeOf(c) });
      return this.ctx.opaque(c, path);
    }
    return this.copy(target, path, this.ctx.rangeOf(c), depth);
  }

  /** A copy of an anchored value placed at `path` (children keep the ranges they were written at). */
  private copy(node: Node, path: KeyPath, range: SourceRange | undefined, depth: number): Node {
    this.budget--;
    const r = range ?? node.range;
    if (depth > MAX_DEPTH * 4 || this.budget < 0) {
      return { kind: 'opaque', text: this.ctx.lines.text.slice(r.startOffset, r.endOffset), range: r, path };
    }
    switch (node.kind) {
      case 'object':
        return {
          ...node,
          range: r,
          path,
          entries: node.entries.map((e) => ({ key: e.key, keyRange: e.keyRange, value: this.copy(e.value, [...path, e.key], undefined, depth + 1) })),
        };
      case 'array':
        return { ...node, range: r, path, items: node.items.map((x, i) => this.copy(x, [...path, i], undefined, depth + 1)) };
      case 'string':
        return node.embedded ? { ...node, range: r, path, embedded: this.copy(node.embedded, path, undefined, depth + 1) } : { ...node, range: r, path };
      case 'opaque':
        return {
          ...node,
          range: r,
          path,
          args: node.args?.map((x, i) => this.copy(x, [...path, i], undefined, depth + 1)),
          kwargs: node.kwargs ? (this.copy(node.kwargs, path, undefined, depth + 1) as Obj) : undefined,
        };
      default:
        return { ...node, range: r, path };
    }
  }

  /**
   * The indentation of the collection entry a block scalar belongs to: an explicit indentation
   * indicator counts from it, and auto-detected content must be indented more.
   */
  private parentIndent(c: TsNode): number {
    let p = c.parent;
    while (p && p.type !== 'block_mapping_pair' && p.type !== 'block_sequence_item' && p.type !== 'document') p = p.parent;
    if (!p || p.type === 'document') return -1;
    const text = this.ctx.text;
    return p.startIndex - (text.lastIndexOf('\n', p.startIndex - 1) + 1);
  }
}

function isPlainKey(keyNode: TsNode): boolean {
  return keyNode.namedChildren.some((c) => c?.type === 'plain_scalar');
}

function typedScalar(text: string, tag: string | undefined): ReturnType<typeof coreSchemaType> {
  const t = coreSchemaType(text);
  switch (tag) {
    case undefined:
      return t;
    case '!!null':
      return { kind: 'null' };
    case '!!bool':
      return t.kind === 'boolean' ? t : { kind: 'string' };
    case '!!int':
    case '!!float':
      return t.kind === 'number' ? t : { kind: 'string' };
    default:
      return { kind: 'string' };
  }
}

function offsetMap(d: Decoded): OffsetMap {
  return (i) => (i < d.offsets.length ? d.offsets[i] : d.end);
}

/**
 * tree-sitter-yaml's scanner keeps block indentation levels in a fixed buffer and corrupts its
 * memory beyond about 250 levels (the parser is unusable afterwards), so deeper block nesting is
 * refused before parsing. The estimate counts increasing indentation and compact `- ` entries.
 */
export const MAX_YAML_BLOCK_LEVELS = 200;

export function yamlTooDeep(text: string): boolean {
  const stack: number[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    const m = /^( *)((?:[-?:][ \t]+)*)([^#\s])?/.exec(line);
    if (!m || !m[3]) continue;
    const indent = m[1].length;
    while (stack.length && stack[stack.length - 1] >= indent) stack.pop();
    stack.push(indent);
    let col = indent;
    for (const ind of m[2].match(/[-?:][ \t]+/g) ?? []) {
      col += ind.length;
      stack.push(col);
    }
    if (stack.length > MAX_YAML_BLOCK_LEVELS) return true;
  }
  return false;
}
