// Python -> model: dict/list/tuple/set literals, every string form, calls with keyword arguments.
import type { Node as TsNode } from 'web-tree-sitter';
import type { KeyPath, Node, Obj, ObjEntry, Opaque } from '../model';
import type { LowerContext } from './context';
import { decodeEscapes, linearMap, type OffsetMap } from './embedded';
import { MAX_EXPR_DEPTH, RootScanner, joinPieces, makeStr, operatorOpaque, scanRoots, type ScanItem, chainOperands, unwrapNodes } from './roots';

const PARENS: ReadonlySet<string> = new Set(['parenthesized_expression']);

function unwrap(n: TsNode): TsNode {
  return unwrapNodes(n, PARENS);
}

export function lowerPython(root: TsNode, ctx: LowerContext): Node[] {
  return scanRoots(root, ctx, visit, (n) => {
    if (n.type !== 'string') return undefined;
    const s = stringParts(n);
    return s.interpolated ? undefined : makeStr(ctx, n, s.value, s.map, [], true);
  });
}

const SERIALISERS = new Set(['json.dumps']);
const SKIPPED = new Set(['comment', 'import_statement', 'import_from_statement', 'future_import_statement']);
const OPERATORS = new Set(['binary_operator', 'boolean_operator', 'comparison_operator', 'conditional_expression', 'not_operator', 'unary_operator', 'await']);


function isLiteralBearing(n: TsNode): boolean {
  const u = unwrap(n);
  switch (u.type) {
    case 'dictionary':
    case 'list':
    case 'tuple':
    case 'set':
    case 'string':
    case 'concatenated_string':
      return true;
    case 'call': {
      const args = u.childForFieldName('arguments');
      return !!args && args.namedChildren.some((c) => c && c.type !== 'comment');
    }
    default:
      return false;
  }
}

function isBoundLiteral(n: TsNode): boolean {
  const u = unwrap(n);
  if (isLiteralBearing(u)) return true;
  switch (u.type) {
    case 'integer':
    case 'float':
    case 'true':
    case 'false':
    case 'none':
    case 'expression_list':
      return true;
    default:
      return OPERATORS.has(u.type) && u.namedChildren.some((c) => !!c && (isLiteralBearing(c) || isBoundLiteral(c)));
  }
}

function bindingName(target: TsNode | null): string | undefined {
  if (!target) return undefined;
  switch (target.type) {
    case 'identifier':
      return target.text;
    case 'attribute':
      return target.childForFieldName('attribute')?.text;
    case 'subscript': {
      const index = target.childForFieldName('subscript');
      if (index?.type === 'string') {
        const s = stringParts(index);
        return s.interpolated ? undefined : s.value;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function visit(item: ScanItem, scan: RootScanner): void {
  const { node, path } = item;
  const t = node.type;
  if (SKIPPED.has(t)) return;
  switch (t) {
    case 'assignment':
    case 'augmented_assignment': {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const name = bindingName(left);
      if (left && name === undefined) scan.push(left, path);
      if (!right) return;
      if (right.type === 'assignment' || right.type === 'yield') scan.push(right, name !== undefined ? [name] : path);
      else bindValue(scan, right, name !== undefined ? [name] : path);
      return;
    }
    case 'default_parameter':
    case 'typed_default_parameter':
    case 'keyword_argument': {
      const name = node.childForFieldName('name')?.text;
      bindValue(scan, node.childForFieldName('value'), name !== undefined ? [name] : path);
      return;
    }
  }
  if (t !== 'module' && isLiteralBearing(node)) {
    scan.addRoot(lowerExpr(node, path, scan, 0));
    return;
  }
  scan.pushChildren(node, path);
}

function bindValue(scan: RootScanner, value: TsNode | null, path: KeyPath): void {
  if (!value) return;
  if (isBoundLiteral(value)) scan.addRoot(lowerExpr(value, path, scan, 0));
  else scan.push(value, path);
}

function lowerExpr(node: TsNode, path: KeyPath, scan: RootScanner, depth: number): Node {
  const ctx = scan.ctx;
  if (depth > MAX_EXPR_DEPTH) return scan.capped(node, path);
  const n = unwrap(node);
  const range = ctx.rangeOf(n);
  switch (n.type) {
    case 'dictionary': {
      const entries: ObjEntry[] = [];
      for (const c of n.namedChildren) {
        if (!c || c.type === 'comment') continue;
        if (c.type === 'pair') {
          const k = c.childForFieldName('key');
          const v = c.childForFieldName('value');
          if (!k || !v) continue;
          const key = dictKey(k, path, scan);
          entries.push({ key, keyRange: ctx.rangeOf(k), value: lowerExpr(v, [...path, key], scan, depth + 1) });
        } else {
          // `**other`: the entries it brings are unknown.
          entries.push({ key: '**', keyRange: ctx.rangeOf(c), value: lowerExpr(c, [...path, '**'], scan, depth + 1) });
        }
      }
      return { kind: 'object', entries, range, path };
    }
    case 'list':
    case 'tuple':
    case 'set':
    case 'expression_list': {
      const items: Node[] = [];
      for (const c of n.namedChildren) {
        if (!c || c.type === 'comment') continue;
        items.push(lowerExpr(c, [...path, items.length], scan, depth + 1));
      }
      const arr: Node = { kind: 'array', items, range, path };
      if (n.type === 'set') arr.tag = 'set';
      else if (n.type !== 'list') arr.tag = 'tuple';
      return arr;
    }
    case 'string':
    case 'concatenated_string':
      return lowerString(n, path, scan, depth);
    case 'integer':
    case 'float': {
      const raw = n.text;
      const value = Number(raw.replace(/_/g, ''));
      return Number.isNaN(value) ? ctx.opaque(n, path) : { kind: 'number', value, raw, range, path };
    }
    case 'true':
    case 'false':
      return { kind: 'boolean', value: n.type === 'true', range, path };
    case 'none':
      return { kind: 'null', range, path };
    case 'unary_operator': {
      const op = n.childForFieldName('operator')?.text;
      const arg = n.childForFieldName('argument');
      if (arg && (op === '-' || op === '+')) {
        const inner = lowerExpr(arg, path, scan, depth + 1);
        if (inner.kind === 'number') return { kind: 'number', value: op === '-' ? -inner.value : inner.value, raw: n.text, range, path };
        return operatorOpaque(ctx, n, path, [inner]);
      }
      return operatorOpaque(ctx, n, path, arg ? [lowerExpr(arg, path, scan, depth + 1)] : []);
    }
    case 'binary_operator':
    case 'boolean_operator':
      return operatorOpaque(ctx, n, path, chainOperands(n).map((c) => lowerExpr(c, path, scan, depth + 1)));
    case 'comparison_operator':
    case 'conditional_expression':
    case 'not_operator':
    case 'await':
    case 'list_splat':
    case 'dictionary_splat':
      return operatorOpaque(ctx, n, path, n.namedChildren.filter(isExpression).map((c) => lowerExpr(c, path, scan, depth + 1)));
    case 'call':
      return lowerCall(n, path, scan, depth);
    case 'identifier':
    case 'ellipsis':
      return ctx.opaque(n, path);
    default:
      // Attributes, subscripts, lambdas, comprehensions, ERROR nodes: text only.
      scan.defer(n, path);
      return ctx.opaque(n, path);
  }
}

function isExpression(c: TsNode | null): c is TsNode {
  return !!c && c.type !== 'comment';
}


function dictKey(k: TsNode, path: KeyPath, scan: RootScanner): string {
  const u = unwrap(k);
  if (u.type === 'string' || u.type === 'concatenated_string') {
    const s = stringParts(u);
    if (!s.interpolated) return s.value;
  }
  if (u.type !== 'identifier' && u.type !== 'integer' && u.type !== 'float') scan.defer(u, path);
  return u.text;
}

function lowerCall(n: TsNode, path: KeyPath, scan: RootScanner, depth: number): Node {
  const ctx = scan.ctx;
  const fn = n.childForFieldName('function');
  const argList = n.childForFieldName('arguments');
  const callee = fn?.text ?? '';
  const positional: TsNode[] = [];
  const keywords: TsNode[] = [];
  for (const c of argList?.namedChildren ?? []) {
    if (!c || c.type === 'comment') continue;
    if (c.type === 'keyword_argument' || c.type === 'dictionary_splat') keywords.push(c);
    else positional.push(c);
  }
  if (SERIALISERS.has(callee) && positional.length > 0) {
    const inner = lowerExpr(positional[0], path, scan, depth + 1);
    for (const rest of [...positional.slice(1), ...keywords]) scan.push(rest, path);
    inner.tag = callee;
    return inner;
  }
  if (fn && fn.type !== 'identifier') scan.defer(fn, path);
  const args = positional.map((a) => lowerExpr(a, path, scan, depth + 1));
  const o: Opaque = { ...ctx.opaque(n, path), callee, args };
  if (keywords.length) {
    const entries: ObjEntry[] = [];
    for (const kw of keywords) {
      if (kw.type === 'keyword_argument') {
        const name = kw.childForFieldName('name');
        const value = kw.childForFieldName('value');
        if (!name || !value) continue;
        entries.push({ key: name.text, keyRange: ctx.rangeOf(name), value: lowerExpr(value, [...path, name.text], scan, depth + 1) });
      } else {
        entries.push({ key: '**', keyRange: ctx.rangeOf(kw), value: lowerExpr(kw, [...path, '**'], scan, depth + 1) });
      }
    }
    const kwargs: Obj = { kind: 'object', entries, range: ctx.rangeOf(argList ?? n), path };
    o.kwargs = kwargs;
  }
  return o;
}

interface StringParts {
  value: string;
  map: OffsetMap;
  /** An f-string with `{...}` replacement fields: not a static value. */
  interpolated: boolean;
  interpolations: TsNode[];
}

/** The value of a string or of adjacent string literals, with per-character source offsets. */
function stringParts(n: TsNode): StringParts {
  const pieces = n.type === 'concatenated_string' ? n.namedChildren.filter((c): c is TsNode => c?.type === 'string') : [n];
  const decoded: Array<{ value: string; map: OffsetMap }> = [];
  const interpolations: TsNode[] = [];
  for (const p of pieces) {
    const start = p.namedChildren.find((c) => c?.type === 'string_start');
    const end = p.namedChildren.find((c) => c?.type === 'string_end');
    const open = start ? start.endIndex : p.startIndex;
    const close = end ? end.startIndex : p.endIndex;
    const prefix = (start?.text ?? '').replace(/['"]+$/, '').toLowerCase();
    for (const c of p.namedChildren) if (c?.type === 'interpolation') interpolations.push(c);
    const raw = p.text.slice(open - p.startIndex, close - p.startIndex);
    decoded.push(prefix.includes('r') ? { value: raw, map: linearMap(open) } : decodeEscapes(raw, open));
  }
  const joined = joinPieces(decoded.length ? decoded : [{ value: '', map: linearMap(n.startIndex) }]);
  return { ...joined, interpolated: interpolations.length > 0, interpolations };
}

function lowerString(n: TsNode, path: KeyPath, scan: RootScanner, depth: number): Node {
  const ctx = scan.ctx;
  const s = stringParts(n);
  if (s.interpolated) {
    const exprs = s.interpolations.map((i) => i.childForFieldName('expression') ?? i.namedChild(0)).filter(isExpression);
    return operatorOpaque(ctx, n, path, exprs.map((e) => lowerExpr(e, path, scan, depth + 1)));
  }
  return makeStr(ctx, n, s.value, s.map, path, true);
}
