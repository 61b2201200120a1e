// Bash -> model: every simple command is a call (`callee`, `args`, `--flag value` kwargs),
// assignments are named roots, heredoc bodies are strings that may hold a JSON/YAML document.
import type { Node as TsNode } from 'web-tree-sitter';
import type { KeyPath, Node, Obj, ObjEntry, Opaque, Str } from '../model';
import { walk } from '../model';
import type { LowerContext } from './context';
import { attachEmbedded, decodeEscapes, linearMap, type OffsetMap } from './embedded';
import { RootScanner, joinPieces, makeStr, operatorOpaque, scanRoots, tableMap, type ScanItem } from './roots';

export function lowerBash(root: TsNode, ctx: LowerContext): Node[] {
  return scanRoots(root, ctx, visit, (n, scan) => (QUOTED.has(n.type) ? literalRoot(n, [], scan) : undefined));
}

const QUOTED = new Set(['string', 'raw_string', 'ansi_c_string']);
const EXPANSIONS = new Set(['simple_expansion', 'expansion', 'command_substitution', 'arithmetic_expansion', 'process_substitution']);

interface Literal {
  value: string;
  map: OffsetMap;
}

function visit(item: ScanItem, scan: RootScanner): void {
  const { node, path } = item;
  switch (node.type) {
    case 'comment':
      return;
    case 'command':
      scan.addRoot(lowerCommand(node, path, scan));
      for (const c of node.namedChildren) if (c?.type === 'variable_assignment') visit({ node: c, path }, scan);
      return;
    case 'variable_assignment': {
      const name = node.childForFieldName('name')?.text ?? node.text;
      const value = node.childForFieldName('value');
      const p = [name];
      if (!value) {
        scan.addRoot({ kind: 'string', value: '', range: scan.ctx.range(node.endIndex, node.endIndex), path: p });
        return;
      }
      scan.addRoot(value.type === 'array' ? lowerArray(value, p, scan) : lowerWord(value, p, scan));
      return;
    }
    case 'heredoc_redirect':
      for (const c of node.namedChildren) {
        if (!c || c.type === 'heredoc_start' || c.type === 'heredoc_end') continue;
        if (c.type === 'heredoc_body') scan.addRoot(lowerHeredoc(node, c, path, scan));
        else scan.push(c, path);
      }
      return;
  }
  if (QUOTED.has(node.type)) {
    // Strings outside commands: test operands, case subjects, for lists.
    scan.addRoot(lowerWord(node, path, scan));
    return;
  }
  scan.pushChildren(node, path);
}

function literalRoot(n: TsNode, path: KeyPath, scan: RootScanner): Str | undefined {
  const lit = literal(n, scan.ctx);
  return lit ? makeStr(scan.ctx, n, lit.value, lit.map, path, true) : undefined;
}

/** A word's value when it has no expansions: quotes removed, escapes resolved, offsets kept. */
function literal(n: TsNode, ctx: LowerContext): Literal | undefined {
  switch (n.type) {
    case 'command_name': {
      const inner = n.namedChild(0);
      return inner ? literal(inner, ctx) : undefined;
    }
    case 'word':
    case 'number':
      return unescape(n.text, n.startIndex, () => true);
    case 'raw_string':
      return { value: n.text.slice(1, -1), map: linearMap(n.startIndex + 1) };
    case 'ansi_c_string':
      return decodeEscapes(n.text.slice(2, -1), n.startIndex + 2);
    case 'string': {
      if (n.namedChildren.some((c) => !!c && c.type !== 'string_content')) return undefined;
      // Inside double quotes a backslash only escapes $ ` " \ and newline.
      return unescape(n.text.slice(1, -1), n.startIndex + 1, (c) => c === '$' || c === '`' || c === '"' || c === '\\' || c === '\n');
    }
    case 'concatenation': {
      const parts: Literal[] = [];
      for (const c of n.namedChildren) {
        if (!c) continue;
        const lit = literal(c, ctx);
        if (!lit) return undefined;
        parts.push(lit);
      }
      return parts.length ? joinPieces(parts) : undefined;
    }
    default:
      return undefined;
  }
}

/** Removes the backslashes that quote the next character (`escapes` says which ones do). */
function unescape(raw: string, start: number, escapes: (c: string) => boolean): Literal {
  if (!raw.includes('\\')) return { value: raw, map: linearMap(start) };
  let value = '';
  const offsets: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length && escapes(raw[i + 1])) {
      i++;
      if (raw[i] === '\n') continue;
      value += raw[i];
      offsets.push(start + i);
      continue;
    }
    value += c;
    offsets.push(start + i);
  }
  return { value, map: tableMap(offsets, start + raw.length) };
}

function lowerWord(n: TsNode, path: KeyPath, scan: RootScanner): Node {
  const lit = literal(n, scan.ctx);
  if (lit) return makeStr(scan.ctx, n, lit.value, lit.map, path, true);
  if (n.type === 'concatenation') {
    return operatorOpaque(scan.ctx, n, path, n.namedChildren.filter((c): c is TsNode => !!c).map((c) => lowerWord(c, path, scan)));
  }
  // Expansions keep their text; commands inside `$(...)` are roots of their own.
  scan.defer(n, path);
  return scan.ctx.opaque(n, path);
}

function lowerArray(n: TsNode, path: KeyPath, scan: RootScanner): Node {
  const items: Node[] = [];
  for (const c of n.namedChildren) {
    if (!c || c.type === 'comment') continue;
    items.push(lowerWord(c, [...path, items.length], scan));
  }
  return { kind: 'array', items, range: scan.ctx.rangeOf(n), path };
}

/**
 * `aws iam put-role-policy --role-name r --policy-document '{...}'`: callee `aws`, args every
 * word after it, kwargs `role-name` and `policy-document`. A value taken by a `--name value`
 * pair is the same node in `args` and in `kwargs` (with the kwargs path), so it is one value,
 * not two; `--name=value` gives a separate node for the part after `=`.
 */
function lowerCommand(cmd: TsNode, path: KeyPath, scan: RootScanner): Opaque {
  const ctx = scan.ctx;
  const nameNode = cmd.childForFieldName('name');
  const nameLit = nameNode ? literal(nameNode, ctx) : undefined;
  const callee = nameLit?.value ?? nameNode?.text ?? '';
  if (nameNode && !nameLit) scan.defer(nameNode, path);
  const words = cmd.childrenForFieldName('argument').filter((c): c is TsNode => !!c);
  const lits = words.map((w) => literal(w, ctx));
  const args: Array<Node | undefined> = new Array(words.length);
  const entries: ObjEntry[] = [];
  let options = true;
  for (let i = 0; i < words.length; i++) {
    const lit = lits[i];
    const head = lit?.value ?? leadingLiteral(words[i], ctx);
    if (!options || head === undefined || !head.startsWith('--') || head.length < 3) continue;
    if (head === '--') {
      options = false;
      continue;
    }
    const eq = head.indexOf('=');
    const keyRange = ctx.range(words[i].startIndex, words[i].startIndex + (eq > 0 ? eq : head.length));
    if (eq > 0) {
      const key = head.slice(2, eq);
      entries.push({ key, keyRange, value: flagValue(words[i], lit, eq + 1, [...path, key], scan) });
      continue;
    }
    const key = head.slice(2);
    const next = words[i + 1];
    const nextHead = next ? (lits[i + 1]?.value ?? leadingLiteral(next, ctx)) : undefined;
    if (next && !(nextHead ?? '').startsWith('-')) {
      const value = lowerWord(next, [...path, key], scan);
      args[i + 1] = value;
      entries.push({ key, keyRange, value });
      i++;
    } else {
      // A flag without a value (`--force`) is recorded as switched on.
      entries.push({ key, keyRange, value: { kind: 'boolean', value: true, range: ctx.rangeOf(words[i]), path: [...path, key] } });
    }
  }
  for (let i = 0; i < words.length; i++) args[i] ??= lowerWord(words[i], path, scan);
  const o: Opaque = { ...ctx.opaque(cmd, path), callee, args: args as Node[] };
  if (entries.length) {
    const kwargs: Obj = { kind: 'object', entries, range: ctx.rangeOf(cmd), path };
    o.kwargs = kwargs;
  }
  return o;
}

/** The literal text a word starts with (`--role=` of `--role="$R"`), if any. */
function leadingLiteral(n: TsNode, ctx: LowerContext): string | undefined {
  if (n.type !== 'concatenation') return undefined;
  const first = n.namedChild(0);
  return first ? literal(first, ctx)?.value : undefined;
}

/** The value part of `--name=value`, as a node of its own. */
function flagValue(word: TsNode, lit: Literal | undefined, from: number, path: KeyPath, scan: RootScanner): Node {
  const ctx = scan.ctx;
  // The value's range starts right after `=` in the source, so it covers any opening quote.
  const sourceStart = word.startIndex + word.text.indexOf('=') + 1;
  if (lit) {
    const value = lit.value.slice(from);
    const map: OffsetMap = (i) => lit.map(from + i);
    const str: Str = { kind: 'string', value, range: ctx.range(sourceStart, word.endIndex), path };
    return attachEmbedded(str, map, ctx, value.includes('\n'));
  }
  return { kind: 'opaque', text: ctx.text.slice(sourceStart, word.endIndex), range: ctx.range(sourceStart, word.endIndex), path };
}

/**
 * A heredoc body. `<<-` strips leading tabs. In an unquoted heredoc, `$x` and `$(...)` are
 * expanded by the shell, so strings of an embedded document that contain them are `Opaque`.
 */
function lowerHeredoc(redirect: TsNode, body: TsNode, path: KeyPath, scan: RootScanner): Str {
  const ctx = scan.ctx;
  const stripTabs = redirect.children.some((c) => c?.type === '<<-');
  const delimiter = redirect.namedChildren.find((c) => c?.type === 'heredoc_start')?.text ?? '';
  const quoted = /['"\\]/.test(delimiter);
  const raw = ctx.text.slice(body.startIndex, body.endIndex);
  let value = raw;
  let map: OffsetMap = linearMap(body.startIndex);
  if (stripTabs) {
    value = '';
    const offsets: number[] = [];
    let lineStart = true;
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i];
      if (lineStart && c === '\t') continue;
      lineStart = c === '\n';
      value += c;
      offsets.push(body.startIndex + i);
    }
    map = tableMap(offsets, body.endIndex);
  }
  const str = makeStr(ctx, body, value, map, path, true);
  const expands = !quoted && body.namedChildren.some((c) => !!c && EXPANSIONS.has(c.type));
  if (expands) {
    scan.defer(body, path);
    if (str.embedded) opaqueExpansions(str.embedded);
  }
  return str;
}

const EXPANSION_TEXT = /\$[{(\w]|`/;

function opaqueExpansions(doc: Node): void {
  walk(doc, (n) => {
    const replace = (v: Node): Node => (v.kind === 'string' && EXPANSION_TEXT.test(v.value) ? { kind: 'opaque', text: v.value, range: v.range, path: v.path } : v);
    if (n.kind === 'object') for (const e of n.entries) e.value = replace(e.value);
    else if (n.kind === 'array') n.items = n.items.map(replace);
  });
}
