// The neutral document model every detector works on. Per-language lowering (src/core/lower/*)
// turns a tree-sitter tree into these nodes; detectors never see syntax.
import { checkBudget } from './budget';

/** 1-based lines and columns (like SARIF); offsets are 0-based UTF-16 indices into the text. */
export interface SourceRange {
  startOffset: number;
  endOffset: number;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** Where a node sits: object keys and array indices from its root. */
export type KeyPath = ReadonlyArray<string | number>;

interface NodeBase {
  range: SourceRange;
  path: KeyPath;
  /**
   * A language-level type marker: the YAML tag (`!Ref`), the HCL block type (`resource`), the
   * constructor or function of a code literal (`iam.PolicyStatement`, `jsonencode`).
   */
  tag?: string;
}

export interface ObjEntry {
  key: string;
  keyRange: SourceRange;
  value: Node;
}

/**
 * Keys may repeat: HCL writes repeated blocks (`statement {}` twice) as repeated entries, and
 * malformed JSON can carry duplicates. Use `values()`/`get()` rather than scanning entries.
 */
export interface Obj extends NodeBase {
  kind: 'object';
  entries: ObjEntry[];
  /** HCL block labels (`resource "aws_iam_role" "x"` -> ["aws_iam_role", "x"]). */
  labels?: string[];
}

export interface Arr extends NodeBase {
  kind: 'array';
  items: Node[];
}

export interface Str extends NodeBase {
  kind: 'string';
  value: string;
  /**
   * A JSON or YAML document found inside this string (a heredoc policy, a JSON string literal),
   * lowered with ranges mapped back into the outer file.
   */
  embedded?: Node;
}

export interface Num extends NodeBase {
  kind: 'number';
  value: number;
  raw: string;
}

export interface Bool extends NodeBase {
  kind: 'boolean';
  value: boolean;
}

export interface Null extends NodeBase {
  kind: 'null';
}

/**
 * Anything not statically known: a variable, a call, an interpolation, a parse error. Keeps its
 * source text so it can be compared as text and shown to the user. Calls keep their callee and
 * lowered arguments so detectors can look inside `new iam.PolicyStatement({...})`.
 */
export interface Opaque extends NodeBase {
  kind: 'opaque';
  text: string;
  callee?: string;
  args?: Node[];
  /** Python keyword arguments, Bash `--flag value` pairs. */
  kwargs?: Obj;
}

export type Node = Obj | Arr | Str | Num | Bool | Null | Opaque;
export type Scalar = Str | Num | Bool | Null;

export type LanguageId =
  | 'json'
  | 'jsonc'
  | 'yaml'
  | 'hcl'
  | 'toml'
  | 'typescript'
  | 'tsx'
  | 'javascript'
  | 'python'
  | 'go'
  | 'bash'
  | 'dotenv'
  | 'properties';

export interface ParseProblem {
  message: string;
  range: SourceRange;
}

/** One analysed file. */
export interface Doc {
  /** Repo-relative, forward slashes. */
  path: string;
  language: LanguageId;
  text: string;
  /**
   * Top-level values: one per YAML document in a stream, one for a JSON/TOML/HCL/env file, and
   * for code one per outermost literal-bearing expression (object/array literals, strings, calls
   * with literal arguments), with `path` starting at the variable or property it is bound to.
   */
  roots: Node[];
  /** Syntax errors tree-sitter recovered from; the model around them is still usable. */
  problems: ParseProblem[];
}

export function isScalar(node: Node | undefined): node is Scalar {
  return !!node && (node.kind === 'string' || node.kind === 'number' || node.kind === 'boolean' || node.kind === 'null');
}

/** A string's embedded document when it has one, else the node itself. */
export function resolve(node: Node): Node {
  return node.kind === 'string' && node.embedded ? node.embedded : node;
}

/** Every value under `key` (repeated keys and arrays flattened), embedded documents resolved. */
export function values(obj: Node | undefined, key: string): Node[] {
  checkBudget();
  if (!obj || obj.kind !== 'object') return [];
  const out: Node[] = [];
  for (const e of obj.entries) {
    if (e.key !== key) continue;
    const v = resolve(e.value);
    if (v.kind === 'array') out.push(...v.items.map(resolve));
    else out.push(v);
  }
  return out;
}

/** The first value under `key`, embedded documents resolved. */
export function get(obj: Node | undefined, key: string): Node | undefined {
  checkBudget();
  if (!obj || obj.kind !== 'object') return undefined;
  const e = obj.entries.find((x) => x.key === key);
  return e ? resolve(e.value) : undefined;
}

/** Case-insensitive `get`, for formats whose keys are conventionally case-insensitive. */
export function getCI(obj: Node | undefined, key: string): Node | undefined {
  if (!obj || obj.kind !== 'object') return undefined;
  const k = key.toLowerCase();
  const e = obj.entries.find((x) => x.key.toLowerCase() === k);
  return e ? resolve(e.value) : undefined;
}

/** The node as a plain string when it is a scalar (numbers and booleans as written). */
export function scalarText(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  switch (node.kind) {
    case 'string':
      return node.value;
    case 'number':
      return node.raw;
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
    default:
      return undefined;
  }
}

/** A string list from a string or an array of strings; opaque items are returned as `undefined`. */
export function stringList(node: Node | undefined): Array<string | undefined> {
  if (!node) return [];
  const n = resolve(node);
  if (n.kind === 'array') return n.items.map((i) => scalarText(resolve(i)));
  return [scalarText(n)];
}

export type Visitor = (node: Node, parent: Node | undefined) => void | 'skip';

/**
 * Depth-first walk over a node and everything below it, embedded documents included. A node
 * reachable twice (a shell `--flag value` is both in `args` and in `kwargs`) is visited once.
 */
export function walk(node: Node, visit: Visitor, parent?: Node): void {
  // Parallel stacks and children pushed in reverse straight from the node: every detector walks
  // every document, so this loop allocates nothing per node.
  const nodes: Node[] = [node];
  const parents: Array<Node | undefined> = [parent];
  const seen = new Set<Node>();
  while (nodes.length) {
    const n = nodes.pop()!;
    const p = parents.pop();
    checkBudget();
    if (seen.has(n)) continue;
    seen.add(n);
    if (visit(n, p) === 'skip') continue;
    switch (n.kind) {
      case 'object':
        for (let i = n.entries.length - 1; i >= 0; i--) {
          nodes.push(n.entries[i].value);
          parents.push(n);
        }
        break;
      case 'array':
        for (let i = n.items.length - 1; i >= 0; i--) {
          nodes.push(n.items[i]);
          parents.push(n);
        }
        break;
      case 'string':
        if (n.embedded) {
          nodes.push(n.embedded);
          parents.push(n);
        }
        break;
      case 'opaque':
        if (n.kwargs) {
          nodes.push(n.kwargs);
          parents.push(n);
        }
        if (n.args) {
          for (let i = n.args.length - 1; i >= 0; i--) {
            nodes.push(n.args[i]);
            parents.push(n);
          }
        }
        break;
    }
  }
}

/** Every node in the document, roots first, depth-first. */
export function walkDoc(doc: Doc, visit: Visitor): void {
  for (const r of doc.roots) walk(r, visit);
}

/** A plain JS value for a node (opaque values become their source text wrapped in `${}`). */
export function toPlain(node: Node): unknown {
  const n = resolve(node);
  switch (n.kind) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const e of n.entries) o[e.key] = toPlain(e.value);
      return o;
    }
    case 'array':
      return n.items.map(toPlain);
    case 'string':
    case 'number':
    case 'boolean':
      return n.value;
    case 'null':
      return null;
    case 'opaque':
      return '${' + n.text + '}';
  }
}

export function formatPath(path: KeyPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(seg)) out += (out ? '.' : '') + seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
