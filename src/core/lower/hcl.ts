// HCL / Terraform (.tf, .tfvars, .hcl) -> model. Bodies are objects, blocks are entries keyed by
// their type, literals are scalars, everything Terraform evaluates at plan time is opaque.
import type { Node as TsNode } from 'web-tree-sitter';
import type { KeyPath, Node, Obj, ObjEntry, Opaque, Str } from '../model';
import type { LowerContext } from './context';
import { attachEmbedded, decodeBackslashEscape, type OffsetMap } from './embedded';

/** Nesting beyond this becomes opaque: hostile input must not exhaust the stack. */
const MAX_DEPTH = 500;

/** Calls that only serialise their argument: the model shows the argument itself. */
const TRANSPARENT_CALLS = new Set(['jsonencode', 'yamlencode']);

export function lowerHcl(root: TsNode, ctx: LowerContext): Node[] {
  const out: Node[] = [];
  if (root.type === 'ERROR') return [ctx.opaque(root, ctx.basePath)];
  let sawBody = false;
  for (const c of root.namedChildren) {
    if (!c) continue;
    if (c.type === 'body') {
      out.push(lowerBody(c, ctx.basePath, ctx, 0, c));
      sawBody = true;
    } else if (c.type === 'object') {
      out.push(lowerExpr(c, ctx.basePath, ctx, 0));
      sawBody = true;
    } else if (c.type === 'ERROR') {
      out.push(ctx.opaque(c, ctx.basePath));
    }
  }
  // An empty file is still one (empty) body.
  if (!sawBody && !out.length) out.push({ kind: 'object', entries: [], range: ctx.rangeOf(root), path: ctx.basePath });
  return out;
}

function lowerBody(body: TsNode, path: KeyPath, ctx: LowerContext, depth: number, rangeNode: TsNode, extra: Partial<Obj> = {}): Obj {
  const entries: ObjEntry[] = [];
  // After an incremental re-parse, top-level blocks and attributes the edit did not touch are
  // taken over from the previous lowering: each depends on its own text and key path alone.
  const reuse = depth === 0 ? ctx.reuse : undefined;
  const oldBody = reuse?.counterpart(reuse.oldRoots, rangeNode);
  const oldValues = oldBody?.kind === 'object' ? oldBody.entries.map((e) => e.value) : undefined;
  const kept = (ts: TsNode, p: KeyPath) => (reuse && oldValues ? reuse.keep(reuse.counterpart(oldValues, ts), ts, p) : undefined);
  for (const c of body.namedChildren) {
    if (!c) continue;
    if (c.type === 'attribute') {
      const name = c.namedChildren.find((x) => x?.type === 'identifier');
      const value = c.namedChildren.find((x) => x?.type === 'expression');
      if (!name) continue;
      const p = [...path, name.text];
      entries.push({ key: name.text, keyRange: ctx.rangeOf(name), value: value ? (kept(value, p) ?? lowerExpr(value, p, ctx, depth + 1)) : ctx.opaque(c, p) });
    } else if (c.type === 'block') {
      const type = c.namedChildren.find((x) => x?.type === 'identifier');
      if (!type) continue;
      const labels: string[] = [];
      for (const l of c.namedChildren) {
        if (!l || l === type) continue;
        if (l.type === 'string_lit') labels.push(decodeQuoted(l, ctx).value);
        else if (l.type === 'identifier') labels.push(l.text);
      }
      const p = [...path, type.text, ...labels];
      const inner = c.namedChildren.find((x) => x?.type === 'body');
      const taken = depth > MAX_DEPTH ? undefined : kept(c, p);
      let value: Node;
      if (depth > MAX_DEPTH) value = ctx.opaque(c, p);
      else if (taken) value = taken;
      else if (inner) value = lowerBody(inner, p, ctx, depth + 1, c, { tag: type.text, labels });
      else value = { kind: 'object', entries: [], range: ctx.rangeOf(c), path: p, tag: type.text, labels };
      entries.push({ key: type.text, keyRange: ctx.rangeOf(type), value });
    }
  }
  const obj: Obj = { kind: 'object', entries, range: ctx.rangeOf(rangeNode), path, ...extra };
  if (!obj.labels?.length) delete obj.labels;
  return obj;
}

function lowerExpr(node: TsNode, path: KeyPath, ctx: LowerContext, depth: number): Node {
  if (depth > MAX_DEPTH) return ctx.opaque(node, path);
  switch (node.type) {
    case 'expression': {
      const kids = node.namedChildren.filter((x): x is TsNode => !!x && x.type !== 'comment');
      // `(expr)`: the parentheses do not change the value.
      if (kids.length === 1) return lowerExpr(kids[0], path, ctx, depth + 1);
      return ctx.opaque(node, path);
    }
    case 'literal_value':
    case 'collection_value':
    case 'template_expr': {
      const inner = node.namedChildren[0];
      return inner ? lowerExpr(inner, path, ctx, depth + 1) : ctx.opaque(node, path);
    }
    case 'numeric_lit': {
      const value = Number(node.text);
      return Number.isNaN(value) ? ctx.opaque(node, path) : { kind: 'number', value, raw: node.text, range: ctx.rangeOf(node), path };
    }
    case 'bool_lit':
      return { kind: 'boolean', value: node.text === 'true', range: ctx.rangeOf(node), path };
    case 'null_lit':
      return { kind: 'null', range: ctx.rangeOf(node), path };
    case 'string_lit':
    case 'quoted_template':
      return lowerQuoted(node, path, ctx);
    case 'heredoc_template':
      return lowerHeredoc(node, path, ctx);
    case 'tuple': {
      const items: Node[] = [];
      for (const c of node.namedChildren) {
        if (c?.type === 'expression') items.push(lowerExpr(c, [...path, items.length], ctx, depth + 1));
      }
      return { kind: 'array', items, range: ctx.rangeOf(node), path };
    }
    case 'object': {
      const entries: ObjEntry[] = [];
      for (const e of node.namedChildren) {
        if (e?.type !== 'object_elem') continue;
        const k = e.childForFieldName('key');
        const v = e.childForFieldName('val');
        if (!k || !v) continue;
        const key = objectKey(k, ctx);
        entries.push({ key, keyRange: ctx.rangeOf(k), value: lowerExpr(v, [...path, key], ctx, depth + 1) });
      }
      return { kind: 'object', entries, range: ctx.rangeOf(node), path };
    }
    case 'function_call':
      return lowerCall(node, path, ctx, depth);
    case 'conditional': {
      const parts = node.namedChildren.filter((x): x is TsNode => x?.type === 'expression');
      return ctx.opaque(node, path, { args: parts.map((p, i) => lowerExpr(p, [...path, i], ctx, depth + 1)) });
    }
    default:
      return ctx.opaque(node, path);
  }
}

/** Object keys: a bare name or a string are the key itself; `(expr)` keys keep their source. */
function objectKey(k: TsNode, ctx: LowerContext): string {
  const kids = k.namedChildren.filter((x): x is TsNode => !!x && x.type !== 'comment');
  if (kids.length === 1) {
    const only = kids[0];
    if (only.type === 'variable_expr') return only.text;
    if (only.type === 'literal_value' && only.namedChildren[0]?.type === 'string_lit') return decodeQuoted(only.namedChildren[0], ctx).value;
  }
  return k.text;
}

function lowerCall(node: TsNode, path: KeyPath, ctx: LowerContext, depth: number): Node {
  const argsNode = node.namedChildren.find((x) => x?.type === 'function_arguments');
  const open = node.text.indexOf('(');
  const callee = (open >= 0 ? node.text.slice(0, open) : node.text).trim();
  const argExprs = argsNode ? argsNode.namedChildren.filter((x): x is TsNode => x?.type === 'expression') : [];
  if (TRANSPARENT_CALLS.has(callee) && argExprs.length === 1) {
    const inner = lowerExpr(argExprs[0], path, ctx, depth + 1);
    inner.tag = callee;
    return inner;
  }
  return ctx.opaque(node, path, { callee, args: argExprs.map((a, i) => lowerExpr(a, [...path, i], ctx, depth + 1)) });
}

function hasTemplateParts(node: TsNode): boolean {
  return node.namedChildren.some((c) => c?.type === 'template_interpolation' || c?.type === 'template_directive');
}

function lowerQuoted(node: TsNode, path: KeyPath, ctx: LowerContext): Node {
  if (hasTemplateParts(node)) return ctx.opaque(node, path);
  const { value, map } = decodeQuoted(node, ctx);
  const str: Str = { kind: 'string', value, range: ctx.rangeOf(node), path };
  return attachEmbedded(str, map, ctx);
}

const HCL_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/** A quoted string's value: backslash escapes and the `$${` / `%%{` template escapes decoded. */
function decodeQuoted(node: TsNode, ctx: LowerContext): { value: string; map: OffsetMap } {
  const text = ctx.text;
  const start = node.startIndex + (text[node.startIndex] === '"' ? 1 : 0);
  const end = Math.max(start, node.endIndex - (node.endIndex - 1 > node.startIndex && text[node.endIndex - 1] === '"' ? 1 : 0));
  return decodeTemplateText(text, start, end, true);
}

function decodeTemplateText(text: string, start: number, end: number, backslashes: boolean): { value: string; map: OffsetMap } {
  const chars: string[] = [];
  const offsets: number[] = [];
  let i = start;
  while (i < end) {
    const c = text[i];
    if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
      chars.push(c, '{');
      offsets.push(i, i + 2);
      i += 3;
      continue;
    }
    if (backslashes && c === '\\' && i + 1 < end) {
      const { decoded, len } = decodeBackslashEscape(text, i, HCL_ESCAPES, { u: 4, U: 8 });
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

/**
 * `<<EOF` / `<<-EOF` heredocs: the lines between the markers (`<<-` strips their common
 * indentation). A heredoc holding a JSON or YAML document is a `Str` with the document embedded,
 * its interpolated values opaque; any other heredoc with interpolations is opaque.
 */
function lowerHeredoc(node: TsNode, path: KeyPath, ctx: LowerContext): Node {
  const text = ctx.text;
  const ids = node.namedChildren.filter((x): x is TsNode => x?.type === 'heredoc_identifier');
  const startNode = node.namedChildren.find((x) => x?.type === 'heredoc_start');
  if (ids.length < 2 || !startNode) return ctx.opaque(node, path);
  const strip = startNode.text.endsWith('-');
  let bodyStart = text.indexOf('\n', ids[0].endIndex);
  bodyStart = bodyStart < 0 ? ids[0].endIndex : bodyStart + 1;
  const closing = ids[ids.length - 1];
  let bodyEnd = closing.startIndex;
  while (bodyEnd > bodyStart && (text[bodyEnd - 1] === ' ' || text[bodyEnd - 1] === '\t')) bodyEnd--;

  // The body's lines, each as [start, end) without its indentation when stripping.
  const lineStarts: number[] = [];
  for (let p = bodyStart; p < bodyEnd; ) {
    lineStarts.push(p);
    const nl = text.indexOf('\n', p);
    p = nl < 0 || nl >= bodyEnd ? bodyEnd : nl + 1;
  }
  let indent = 0;
  if (strip) {
    indent = Infinity;
    for (const s of lineStarts) {
      let k = s;
      while (k < bodyEnd && (text[k] === ' ' || text[k] === '\t')) k++;
      if (k < bodyEnd && text[k] !== '\n' && text[k] !== '\r') indent = Math.min(indent, k - s);
    }
    if (!Number.isFinite(indent)) indent = 0;
  }
  const chars: string[] = [];
  const offsets: number[] = [];
  for (let li = 0; li < lineStarts.length; li++) {
    const s = lineStarts[li];
    const e = li + 1 < lineStarts.length ? lineStarts[li + 1] : bodyEnd;
    let k = s;
    while (k < e && k - s < indent && (text[k] === ' ' || text[k] === '\t')) k++;
    const part = decodeTemplateText(text, k, e, false);
    for (let j = 0; j < part.value.length; j++) {
      chars.push(part.value[j]);
      offsets.push(part.map(j));
    }
  }
  const value = chars.join('');
  const map: OffsetMap = (idx) => (idx < offsets.length ? offsets[idx] : bodyEnd);
  const str: Str = { kind: 'string', value, range: ctx.rangeOf(node), path };
  attachEmbedded(str, map, ctx, true);
  if (str.embedded) {
    str.embedded = opaqueInterpolations(str.embedded, ctx);
    return str;
  }
  return hasTemplateParts(node) ? ctx.opaque(node, path) : str;
}

/** `${` not written as the `$${` escape. */
const INTERPOLATION = /(^|[^$])[$%]\{/;

/** Inside a document embedded in a template, strings that interpolate are not known values. */
function opaqueInterpolations(node: Node, ctx: LowerContext): Node {
  const source = ctx.lines.text;
  const fix = (n: Node): Node => {
    if (n.kind === 'string' && INTERPOLATION.test(source.slice(n.range.startOffset, n.range.endOffset))) {
      const o: Opaque = { kind: 'opaque', text: n.value, range: n.range, path: n.path };
      if (n.tag) o.tag = n.tag;
      return o;
    }
    return n;
  };
  const stack: Node[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.kind === 'object') {
      for (const e of n.entries) {
        e.value = fix(e.value);
        stack.push(e.value);
      }
    } else if (n.kind === 'array') {
      n.items = n.items.map(fix);
      stack.push(...n.items);
    } else if (n.kind === 'string' && n.embedded) {
      stack.push(n.embedded);
    }
  }
  return fix(node);
}
