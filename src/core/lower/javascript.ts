// JavaScript, TypeScript and TSX -> model. One module for the three grammars: their expression
// node types are the same, TypeScript only adds wrappers (`as`, `satisfies`, `!`) and fields.
import type { Node as TsNode } from 'web-tree-sitter';
import type { KeyPath, Node, ObjEntry, Opaque } from '../model';
import type { LowerContext } from './context';
import { decodeEscapes } from './embedded';
import { MAX_EXPR_DEPTH, RootScanner, makeStr, operatorOpaque, scanRoots, type ScanItem, chainOperands, unwrapNodes } from './roots';

function unwrap(n: TsNode): TsNode {
  return unwrapNodes(n, TRANSPARENT);
}

export function lowerJavaScript(root: TsNode, ctx: LowerContext): Node[] {
  return scanRoots(root, ctx, visit, (n) => {
    if (!isStringNode(n)) return undefined;
    const s = stringValue(n);
    return s.interpolated ? undefined : makeStr(ctx, n, s.value, s.map, [], n.type === 'template_string');
  });
}

/** Type-only wrappers that do not change the value. */
const TRANSPARENT = new Set(['parenthesized_expression', 'as_expression', 'satisfies_expression', 'non_null_expression', 'type_assertion']);

/** Serialisation calls that lower to their argument (see the lowering conventions). */
const SERIALISERS = new Set(['JSON.stringify']);

const SKIPPED = new Set(['comment', 'import_statement', 'regex', 'hash_bang_line', 'html_comment']);

function isStringNode(n: TsNode): boolean {
  return n.type === 'string' || n.type === 'template_string';
}


function isModuleLoad(call: TsNode): boolean {
  const fn = call.childForFieldName('function');
  return !!fn && (fn.type === 'import' || (fn.type === 'identifier' && fn.text === 'require'));
}

function hasArguments(call: TsNode): boolean {
  const args = call.childForFieldName('arguments');
  if (call.type === 'new_expression') return !!args && args.namedChildren.some((c) => c && c.type !== 'comment');
  return !!args && (args.type === 'template_string' || args.namedChildren.some((c) => c && c.type !== 'comment'));
}

/** An expression that is a root wherever it appears. */
function isLiteralBearing(n: TsNode): boolean {
  const u = unwrap(n);
  switch (u.type) {
    case 'object':
    case 'array':
    case 'string':
    case 'template_string':
      return true;
    case 'new_expression':
    case 'call_expression':
      return hasArguments(u) && !isModuleLoad(u);
    default:
      return false;
  }
}

/** Bound to a name, scalars and operator expressions over literals are roots too. */
function isBoundLiteral(n: TsNode): boolean {
  const u = unwrap(n);
  if (isLiteralBearing(u)) return true;
  switch (u.type) {
    case 'number':
    case 'true':
    case 'false':
    case 'null':
      return true;
    case 'unary_expression':
      return isBoundLiteral(u.childForFieldName('argument') ?? u);
    case 'binary_expression':
    case 'ternary_expression':
      return u.namedChildren.some((c) => !!c && isLiteralBearing(c));
    default:
      return false;
  }
}

/** The path segment a binding target names: `x`, `this.x`, `module.exports.x`, `o["x"]`. */
function bindingName(target: TsNode | null): string | undefined {
  if (!target) return undefined;
  const t = unwrap(target);
  switch (t.type) {
    case 'identifier':
    case 'property_identifier':
    case 'private_property_identifier':
    case 'shorthand_property_identifier':
      return t.text;
    case 'member_expression':
      return t.childForFieldName('property')?.text;
    case 'subscript_expression': {
      const index = t.childForFieldName('index');
      return index && isStringNode(index) ? stringValue(index).value : undefined;
    }
    case 'string':
      return stringValue(t).value;
    default:
      return undefined;
  }
}

function bind(scan: RootScanner, value: TsNode | null, path: KeyPath): void {
  if (!value) return;
  if (isBoundLiteral(value)) scan.addRoot(lowerExpr(value, path, scan, 0));
  else scan.push(value, path);
}

function visit(item: ScanItem, scan: RootScanner): void {
  const { node, path } = item;
  const t = node.type;
  if (SKIPPED.has(t)) return;
  if (TRANSPARENT.has(t)) {
    // Straight to what the wrappers hold: visiting each of 20,000 nested parentheses in turn
    // would unwrap the rest of the chain every time (quadratic).
    const inner = unwrap(node);
    if (inner === node) scan.pushChildren(node, path);
    else if (isLiteralBearing(inner)) scan.addRoot(lowerExpr(node, path, scan, 0));
    else scan.push(inner, path);
    return;
  }
  switch (t) {
    case 'export_statement': {
      // `export ... from "mod"` names a module, not a value.
      if (node.childForFieldName('source')) return;
      const value = node.childForFieldName('value');
      if (value) bind(scan, value, ['default']);
      else scan.pushChildren(node, path);
      return;
    }
    case 'variable_declarator':
    case 'public_field_definition':
    case 'field_definition':
    case 'enum_assignment':
    case 'jsx_attribute':
    case 'assignment_expression':
    case 'augmented_assignment_expression':
    case 'assignment_pattern':
    case 'pair_pattern':
      visitBinding(node, path, scan);
      return;
    case 'call_expression':
      if (isModuleLoad(node)) return;
      break;
  }
  if (t !== 'program' && isLiteralBearing(node)) {
    scan.addRoot(lowerExpr(node, path, scan, 0));
    return;
  }
  scan.pushChildren(node, path);
}

function visitBinding(node: TsNode, path: KeyPath, scan: RootScanner): void {
  let target: TsNode | null;
  let value: TsNode | null;
  switch (node.type) {
    case 'variable_declarator':
    case 'enum_assignment':
      target = node.childForFieldName('name');
      value = node.childForFieldName('value');
      break;
    case 'public_field_definition':
      target = node.childForFieldName('name');
      value = node.childForFieldName('value');
      break;
    case 'field_definition':
      target = node.childForFieldName('property');
      value = node.childForFieldName('value');
      break;
    case 'jsx_attribute': {
      target = node.namedChild(0);
      const v = node.namedChild(1);
      value = v && v.type === 'jsx_expression' ? v.namedChild(0) : v;
      break;
    }
    case 'pair_pattern':
      target = node.childForFieldName('key');
      value = node.childForFieldName('value');
      scan.push(value, path);
      return;
    default:
      target = node.childForFieldName('left');
      value = node.childForFieldName('right');
  }
  const name = bindingName(target);
  // Destructuring patterns carry defaults (`const {a = "x"} = o`) worth scanning.
  if (target && !name) scan.push(target, path);
  bind(scan, value, name !== undefined ? [name] : path);
}

/** Lowers one expression; subtrees it keeps only as text are handed back to the scanner. */
export function lowerExpr(node: TsNode, path: KeyPath, scan: RootScanner, depth: number): Node {
  const ctx = scan.ctx;
  if (depth > MAX_EXPR_DEPTH) return scan.capped(node, path);
  const n = TRANSPARENT.has(node.type) ? unwrap(node) : node;
  switch (n.type) {
    case 'object':
      return lowerObject(n, path, scan, depth);
    case 'array': {
      const items: Node[] = [];
      for (const c of n.namedChildren) {
        if (!c || c.type === 'comment') continue;
        items.push(lowerExpr(c, [...path, items.length], scan, depth + 1));
      }
      return { kind: 'array', items, range: ctx.rangeOf(n), path };
    }
    case 'string':
    case 'template_string':
      return lowerString(n, path, scan, depth);
    case 'number': {
      const raw = n.text;
      const value = Number(raw.replace(/_/g, ''));
      return Number.isNaN(value) ? ctx.opaque(n, path) : { kind: 'number', value, raw, range: ctx.rangeOf(n), path };
    }
    case 'true':
    case 'false':
      return { kind: 'boolean', value: n.type === 'true', range: ctx.rangeOf(n), path };
    case 'null':
      return { kind: 'null', range: ctx.rangeOf(n), path };
    case 'unary_expression': {
      const op = n.childForFieldName('operator')?.text;
      const arg = n.childForFieldName('argument');
      if (arg && (op === '-' || op === '+') && unwrap(arg).type === 'number') {
        const inner = lowerExpr(arg, path, scan, depth + 1);
        if (inner.kind === 'number') {
          return { kind: 'number', value: op === '-' ? -inner.value : inner.value, raw: n.text, range: ctx.rangeOf(n), path };
        }
      }
      return operatorOpaque(ctx, n, path, arg ? [lowerExpr(arg, path, scan, depth + 1)] : []);
    }
    case 'binary_expression':
      return operatorOpaque(ctx, n, path, chainOperands(n).map((c) => lowerExpr(c, path, scan, depth + 1)));
    case 'ternary_expression':
    case 'await_expression':
    case 'spread_element':
    case 'yield_expression':
      return operatorOpaque(ctx, n, path, n.namedChildren.filter(isExpression).map((c) => lowerExpr(c, path, scan, depth + 1)));
    case 'new_expression':
    case 'call_expression':
      return lowerCall(n, path, scan, depth);
    case 'identifier':
    case 'undefined':
    case 'this':
    case 'super':
    case 'property_identifier':
      return ctx.opaque(n, path);
    default: {
      // Functions, classes, JSX, member and subscript expressions, ERROR nodes: text only.
      scan.defer(n, path);
      return ctx.opaque(n, path);
    }
  }
}

function isExpression(c: TsNode | null): c is TsNode {
  return !!c && c.type !== 'comment';
}


function lowerObject(n: TsNode, path: KeyPath, scan: RootScanner, depth: number): Node {
  const ctx = scan.ctx;
  const entries: ObjEntry[] = [];
  for (const c of n.namedChildren) {
    if (!c || c.type === 'comment') continue;
    switch (c.type) {
      case 'pair': {
        const k = c.childForFieldName('key');
        const v = c.childForFieldName('value');
        if (!k || !v) break;
        const key = propertyKey(k, path, scan);
        entries.push({ key, keyRange: ctx.rangeOf(k), value: lowerExpr(v, [...path, key], scan, depth + 1) });
        break;
      }
      case 'shorthand_property_identifier':
        entries.push({ key: c.text, keyRange: ctx.rangeOf(c), value: ctx.opaque(c, [...path, c.text]) });
        break;
      case 'method_definition': {
        const name = c.childForFieldName('name');
        const key = name ? propertyKey(name, path, scan) : c.text;
        scan.defer(c, [...path, key]);
        entries.push({ key, keyRange: ctx.rangeOf(name ?? c), value: ctx.opaque(c, [...path, key]) });
        break;
      }
      case 'spread_element': {
        const value = lowerExpr(c, [...path, '...'], scan, depth + 1);
        entries.push({ key: '...', keyRange: ctx.rangeOf(c), value });
        break;
      }
      default:
        scan.defer(c, path);
        entries.push({ key: c.text, keyRange: ctx.rangeOf(c), value: ctx.opaque(c, [...path, c.text]) });
    }
  }
  return { kind: 'object', entries, range: ctx.rangeOf(n), path };
}

/** An object key as written: identifiers and numbers verbatim, strings decoded, `[expr]` as text. */
function propertyKey(k: TsNode, path: KeyPath, scan: RootScanner): string {
  if (isStringNode(k)) {
    const s = stringValue(k);
    if (!s.interpolated) return s.value;
  }
  if (k.type === 'computed_property_name') {
    const inner = k.namedChild(0);
    if (inner && isStringNode(inner)) {
      const s = stringValue(inner);
      if (!s.interpolated) return s.value;
    }
    scan.defer(k, path);
  }
  return k.text;
}

function lowerCall(n: TsNode, path: KeyPath, scan: RootScanner, depth: number): Node {
  const ctx = scan.ctx;
  const isNew = n.type === 'new_expression';
  const fn = n.childForFieldName(isNew ? 'constructor' : 'function');
  const argsNode = n.childForFieldName('arguments');
  const callee = fn?.text ?? '';
  const argNodes = !argsNode ? [] : argsNode.type === 'template_string' ? [argsNode] : argsNode.namedChildren.filter(isExpression);
  if (!isNew && SERIALISERS.has(callee) && argNodes.length > 0) {
    const inner = lowerExpr(argNodes[0], path, scan, depth + 1);
    for (const extra of argNodes.slice(1)) scan.push(extra, path);
    inner.tag = callee;
    return inner;
  }
  if (fn && fn.type !== 'identifier' && fn.type !== 'member_expression') scan.defer(fn, path);
  else if (fn?.type === 'member_expression') {
    // `fetch("x").then(...)`: the call inside the callee is a root of its own.
    const obj = fn.childForFieldName('object');
    if (obj && obj.type !== 'identifier' && obj.type !== 'this') scan.push(obj, path);
  }
  const args = argNodes.map((a) => lowerExpr(a, path, scan, depth + 1));
  const o: Opaque = { ...ctx.opaque(n, path), callee, args };
  if (isNew) o.tag = 'new';
  return o;
}

interface StringValue {
  value: string;
  map: (i: number) => number;
  interpolated: boolean;
}

/** The decoded value of a string or template literal and where each character came from. */
function stringValue(n: TsNode): StringValue {
  const raw = n.text;
  const interpolated = n.type === 'template_string' && n.namedChildren.some((c) => c?.type === 'template_substitution');
  const inner = raw.length >= 2 ? raw.slice(1, -1) : '';
  const { value, map } = decodeEscapes(inner, n.startIndex + 1);
  return { value, map, interpolated };
}

function lowerString(n: TsNode, path: KeyPath, scan: RootScanner, depth: number): Node {
  const ctx = scan.ctx;
  const s = stringValue(n);
  if (s.interpolated) {
    const subs = n.namedChildren.filter((c): c is TsNode => c?.type === 'template_substitution');
    const exprs = subs.map((c) => c.namedChild(0)).filter(isExpression);
    return operatorOpaque(ctx, n, path, exprs.map((e) => lowerExpr(e, path, scan, depth + 1)));
  }
  return makeStr(ctx, n, s.value, s.map, path, n.type === 'template_string');
}
