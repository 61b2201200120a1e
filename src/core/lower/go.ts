// Go -> model: composite literals (maps, structs, slices, elided inner types), strings, calls.
import type { Node as TsNode } from 'web-tree-sitter';
import type { KeyPath, Node, ObjEntry, Opaque } from '../model';
import type { LowerContext } from './context';
import { decodeEscapes, linearMap, type OffsetMap } from './embedded';
import { MAX_EXPR_DEPTH, RootScanner, makeStr, operatorOpaque, scanRoots, type ScanItem, chainOperands, unwrapNodes } from './roots';

const PARENS: ReadonlySet<string> = new Set(['parenthesized_expression']);

function unwrap(n: TsNode): TsNode {
  return unwrapNodes(n, PARENS);
}

export function lowerGo(root: TsNode, ctx: LowerContext): Node[] {
  return scanRoots(root, ctx, visit, (n) => {
    if (!isString(n)) return undefined;
    const s = stringValue(n);
    return makeStr(ctx, n, s.value, s.map, [], n.type === 'raw_string_literal');
  });
}

/** `json.Marshal(x)` is Go's `JSON.stringify`: transparent, like the other serialisation calls. */
const SERIALISERS = new Set(['json.Marshal', 'json.MarshalIndent']);
const SKIPPED = new Set(['comment', 'import_declaration', 'package_clause']);

function isString(n: TsNode): boolean {
  return n.type === 'interpreted_string_literal' || n.type === 'raw_string_literal';
}


function isLiteralBearing(n: TsNode): boolean {
  const u = unwrap(n);
  switch (u.type) {
    case 'composite_literal':
    case 'interpreted_string_literal':
    case 'raw_string_literal':
      return true;
    case 'unary_expression': {
      const operand = u.childForFieldName('operand');
      return !!operand && unwrap(operand).type === 'composite_literal';
    }
    case 'call_expression': {
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
    case 'int_literal':
    case 'float_literal':
    case 'true':
    case 'false':
    case 'nil':
      return true;
    case 'unary_expression':
    case 'binary_expression':
      return u.namedChildren.some((c) => !!c && isBoundLiteral(c));
    default:
      return false;
  }
}

function bindingName(target: TsNode | undefined): string | undefined {
  if (!target) return undefined;
  switch (target.type) {
    case 'identifier':
      return target.text === '_' ? undefined : target.text;
    case 'selector_expression':
      return target.childForFieldName('field')?.text;
    case 'index_expression': {
      const index = target.childForFieldName('index');
      return index && isString(index) ? stringValue(index).value : undefined;
    }
    default:
      return undefined;
  }
}

function expressions(list: TsNode | null): TsNode[] {
  if (!list) return [];
  if (list.type !== 'expression_list') return [list];
  return list.namedChildren.filter((c): c is TsNode => !!c && c.type !== 'comment');
}

function visit(item: ScanItem, scan: RootScanner): void {
  const { node, path } = item;
  const t = node.type;
  if (SKIPPED.has(t)) return;
  switch (t) {
    case 'var_spec':
    case 'const_spec': {
      const names = node.childrenForFieldName('name').filter((c): c is TsNode => !!c);
      bindAll(scan, names, expressions(node.childForFieldName('value')), path);
      return;
    }
    case 'short_var_declaration':
    case 'assignment_statement':
      bindAll(scan, expressions(node.childForFieldName('left')), expressions(node.childForFieldName('right')), path);
      return;
  }
  if (t !== 'source_file' && isLiteralBearing(node)) {
    scan.addRoot(lowerExpr(node, path, scan, 0));
    return;
  }
  scan.pushChildren(node, path);
}

/** `a, b := "x", 3` pairs names with values; `b, err := f()` names the value after the first. */
function bindAll(scan: RootScanner, targets: TsNode[], values: TsNode[], path: KeyPath): void {
  values.forEach((value, i) => {
    const target = values.length === targets.length ? targets[i] : targets[0];
    const name = bindingName(target);
    const p = name !== undefined ? [name] : path;
    if (isBoundLiteral(value)) scan.addRoot(lowerExpr(value, p, scan, 0));
    else scan.push(value, p);
  });
}

function lowerExpr(node: TsNode, path: KeyPath, scan: RootScanner, depth: number): Node {
  const ctx = scan.ctx;
  if (depth > MAX_EXPR_DEPTH) return scan.capped(node, path);
  const n = unwrap(node);
  const range = ctx.rangeOf(n);
  switch (n.type) {
    case 'composite_literal': {
      const type = n.childForFieldName('type');
      const body = n.childForFieldName('body');
      if (!body) return ctx.opaque(n, path);
      return lowerLiteralValue(body, n, type ?? undefined, path, scan, depth);
    }
    case 'interpreted_string_literal':
    case 'raw_string_literal': {
      const s = stringValue(n);
      return makeStr(ctx, n, s.value, s.map, path, n.type === 'raw_string_literal');
    }
    case 'int_literal':
    case 'float_literal': {
      const raw = n.text;
      const value = goNumber(raw);
      return Number.isNaN(value) ? ctx.opaque(n, path) : { kind: 'number', value, raw, range, path };
    }
    case 'true':
    case 'false':
      return { kind: 'boolean', value: n.type === 'true', range, path };
    case 'nil':
      return { kind: 'null', range, path };
    case 'unary_expression': {
      const op = n.childForFieldName('operator')?.text;
      const operand = n.childForFieldName('operand');
      if (!operand) return ctx.opaque(n, path);
      const inner = lowerExpr(operand, path, scan, depth + 1);
      // `&T{...}` is the literal itself for every purpose a detector has.
      if (op === '&' && unwrap(operand).type === 'composite_literal') return inner;
      if ((op === '-' || op === '+') && inner.kind === 'number') {
        return { kind: 'number', value: op === '-' ? -inner.value : inner.value, raw: n.text, range, path };
      }
      return operatorOpaque(ctx, n, path, [inner]);
    }
    case 'binary_expression':
      return operatorOpaque(ctx, n, path, chainOperands(n).map((c) => lowerExpr(c, path, scan, depth + 1)));
    case 'call_expression':
      return lowerCall(n, path, scan, depth);
    case 'identifier':
    case 'iota':
      return ctx.opaque(n, path);
    default:
      // Selectors, index expressions, function literals, conversions, ERROR nodes: text only.
      scan.defer(n, path);
      return ctx.opaque(n, path);
  }
}

/** Go integer syntax: `0755` is octal, `_` separates digits. */
function goNumber(raw: string): number {
  const clean = raw.replace(/_/g, '');
  if (/^0[0-7]+$/.test(clean)) return parseInt(clean, 8);
  if (/^[0-9.eE+-]+$|^0[xXoObB][0-9a-fA-F.pP+-]+$/.test(clean)) return Number(clean);
  return NaN;
}

/** The element type of a slice/array/map type, for literals that elide it (`[]T{{...}}`). */
function elementType(type: TsNode | undefined): TsNode | undefined {
  if (!type) return undefined;
  switch (type.type) {
    case 'slice_type':
    case 'array_type':
    case 'implicit_length_array_type':
      return type.childForFieldName('element') ?? undefined;
    case 'map_type':
      return type.childForFieldName('value') ?? undefined;
    default:
      return undefined;
  }
}

function isSequenceType(type: TsNode | undefined): boolean {
  return !!type && (type.type === 'slice_type' || type.type === 'array_type' || type.type === 'implicit_length_array_type');
}

/** The type written for a literal, without the `*` of an elided `[]*T{{...}}` element. */
function typeTag(type: TsNode | undefined): string | undefined {
  if (!type) return undefined;
  if (type.type === 'pointer_type') return typeTag(type.namedChild(0) ?? undefined);
  return type.text;
}

function lowerLiteralValue(body: TsNode, at: TsNode, type: TsNode | undefined, path: KeyPath, scan: RootScanner, depth: number): Node {
  const ctx = scan.ctx;
  const bare = type?.type === 'pointer_type' ? (type.namedChild(0) ?? undefined) : type;
  const elements = body.namedChildren.filter((c): c is TsNode => !!c && c.type !== 'comment');
  const keyed = elements.some((e) => e.type === 'keyed_element');
  const inner = elementType(bare);
  const tag = typeTag(type);
  if (keyed || (!isSequenceType(bare) && elements.length === 0 && bare !== undefined)) {
    const entries: ObjEntry[] = [];
    for (const e of elements) {
      if (e.type !== 'keyed_element') {
        scan.defer(e, path);
        continue;
      }
      const k = e.childForFieldName('key');
      const v = e.childForFieldName('value');
      if (!k || !v) continue;
      const key = literalKey(k, path, scan);
      entries.push({ key, keyRange: ctx.rangeOf(k), value: lowerElement(v, inner, [...path, key], scan, depth + 1) });
    }
    const obj: Node = { kind: 'object', entries, range: ctx.rangeOf(at), path };
    if (tag) obj.tag = tag;
    return obj;
  }
  const items: Node[] = [];
  for (const e of elements) items.push(lowerElement(e, inner, [...path, items.length], scan, depth + 1));
  const arr: Node = { kind: 'array', items, range: ctx.rangeOf(at), path };
  if (tag) arr.tag = tag;
  return arr;
}

/** A `literal_element`: an expression, or a nested `{...}` whose type is the parent's element type. */
function lowerElement(e: TsNode, type: TsNode | undefined, path: KeyPath, scan: RootScanner, depth: number): Node {
  if (depth > MAX_EXPR_DEPTH) return scan.capped(e, path);
  const inner = e.type === 'literal_element' ? e.namedChild(0) : e;
  if (!inner) return scan.ctx.opaque(e, path);
  if (inner.type === 'literal_value') return lowerLiteralValue(inner, inner, type, path, scan, depth);
  return lowerExpr(inner, path, scan, depth);
}

/** Map keys that are string literals give their value; struct field names are used as written. */
function literalKey(k: TsNode, path: KeyPath, scan: RootScanner): string {
  const inner = k.type === 'literal_element' ? (k.namedChild(0) ?? k) : k;
  if (isString(inner)) return stringValue(inner).value;
  if (inner.type !== 'identifier' && inner.type !== 'field_identifier' && inner.type !== 'int_literal') scan.defer(inner, path);
  return inner.text;
}


function lowerCall(n: TsNode, path: KeyPath, scan: RootScanner, depth: number): Node {
  const ctx = scan.ctx;
  const fn = n.childForFieldName('function');
  const callee = fn?.text ?? '';
  const argNodes = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((c): c is TsNode => !!c && c.type !== 'comment');
  if (SERIALISERS.has(callee) && argNodes.length > 0) {
    const inner = lowerExpr(argNodes[0], path, scan, depth + 1);
    for (const rest of argNodes.slice(1)) scan.push(rest, path);
    inner.tag = callee;
    return inner;
  }
  if (fn && fn.type !== 'identifier' && fn.type !== 'selector_expression') scan.defer(fn, path);
  else if (fn?.type === 'selector_expression') {
    const operand = fn.childForFieldName('operand');
    if (operand && operand.type !== 'identifier') scan.push(operand, path);
  }
  const args = argNodes.map((a) => lowerExpr(a, path, scan, depth + 1));
  const o: Opaque = { ...ctx.opaque(n, path), callee, args };
  return o;
}

/** Interpreted strings decode escapes; raw (backtick) strings are verbatim. */
function stringValue(n: TsNode): { value: string; map: OffsetMap } {
  const raw = n.text;
  const inner = raw.length >= 2 ? raw.slice(1, -1) : '';
  const start = n.startIndex + 1;
  if (n.type === 'raw_string_literal') return { value: inner, map: linearMap(start) };
  return decodeEscapes(inner, start);
}
