// Finding the roots of a code file: an iterative walk over the syntax tree that hands each
// outermost literal-bearing expression to the language's expression lowering. Shared by the
// JavaScript/TypeScript, Python, Go and Bash lowerers.
import type { Node as TsNode } from 'web-tree-sitter';
import type { KeyPath, Node, Opaque, Str } from '../model';
import { checkBudget } from '../budget';
import type { LowerContext } from './context';
import { lastAtOrBefore } from '../text';
import { attachEmbedded, type OffsetMap } from './embedded';

/**
 * Nesting below this inside one expression is not lowered: the subtree becomes an `Opaque` and is
 * scanned flat for its strings, so hostile input (100,000 nested arrays) neither exhausts the
 * stack nor builds 100,000 key paths of length 100,000.
 */
export const MAX_EXPR_DEPTH = 200;

export interface ScanItem {
  node: TsNode;
  /** Path given to roots found here when no binding names them. */
  path: KeyPath;
  /** Past the depth cap: only string literals become roots, everything else is descended. */
  flat?: boolean;
}

/** What a language does with one syntax node met by the walk. */
export type Visit = (item: ScanItem, scan: RootScanner) => void;

export class RootScanner {
  private readonly roots: Node[] = [];
  private readonly stack: ScanItem[] = [];

  constructor(readonly ctx: LowerContext) {}

  /** Visit this node later (roots inside it are found by the language's `visit`). */
  push(node: TsNode | null | undefined, path: KeyPath, flat = false): void {
    if (node) this.stack.push({ node, path, flat });
  }

  /** Visit the node's named children later, in source order. */
  pushChildren(node: TsNode, path: KeyPath, flat = false): void {
    const children = node.namedChildren;
    for (let i = children.length - 1; i >= 0; i--) this.push(children[i], path, flat);
  }

  /**
   * A subtree the lowering kept only as text (a function body, a callee, a JSX element): the
   * literals inside it still become roots, so every string in the file stays reachable.
   */
  defer(node: TsNode, path: KeyPath): void {
    if (node.namedChildCount > 0) this.pushChildren(node, path);
  }

  /** A subtree cut off by the depth cap: an `Opaque` now, its strings scanned flat. */
  capped(node: TsNode, path: KeyPath): Opaque {
    this.push(node, [], true);
    return this.ctx.opaque(node, path);
  }

  addRoot(node: Node): void {
    this.roots.push(node);
  }

  run(visit: Visit, flatString: (node: TsNode) => Node | undefined): Node[] {
    while (this.stack.length) {
      const item = this.stack.pop()!;
      checkBudget();
      if (item.flat) {
        const s = flatString(item.node);
        if (s) this.addRoot(s);
        else this.pushChildren(item.node, [], true);
        continue;
      }
      visit(item, this);
    }
    // Roots found inside deferred subtrees come out of order; source order reads best.
    return this.roots.sort((a, b) => a.range.startOffset - b.range.startOffset);
  }
}

/** Runs the walk from the tree's root. */
export function scanRoots(root: TsNode, ctx: LowerContext, visit: Visit, flatString: (node: TsNode, scan: RootScanner) => Node | undefined): Node[] {
  const scan = new RootScanner(ctx);
  scan.push(root, ctx.basePath);
  return scan.run(visit, (n) => flatString(n, scan));
}

/** A string node with its decoded value; embedded JSON (and, if allowed, YAML) attached. */
export function makeStr(ctx: LowerContext, node: TsNode, value: string, map: OffsetMap, path: KeyPath, allowYaml: boolean): Str {
  const str: Str = { kind: 'string', value, range: ctx.rangeOf(node), path };
  return attachEmbedded(str, map, ctx, allowYaml && value.includes('\n'));
}

/** Pieces of a string (adjacent literals, shell word parts) joined, offsets kept per piece. */
export function joinPieces(pieces: Array<{ value: string; map: OffsetMap }>): { value: string; map: OffsetMap } {
  if (pieces.length === 1) return pieces[0];
  const starts: number[] = [];
  let value = '';
  for (const p of pieces) {
    starts.push(value.length);
    value += p.value;
  }
  const last = pieces[pieces.length - 1];
  return {
    value,
    map: (i) => {
      const lo = lastAtOrBefore(starts, i);
      // An index past a piece's end (the end of the whole string) maps to that piece's end.
      const p = pieces[lo] ?? last;
      return p.map(i - starts[lo]);
    },
  };
}

/** An index -> offset map from an explicit offset table (text with removed characters). */
export function tableMap(offsets: number[], end: number): OffsetMap {
  return (i) => (i < offsets.length ? offsets[i] : end);
}

/**
 * `Opaque` for an expression made of operands (`"arn:" + name`, `a ? "x" : "y"`): the lowered
 * operands go in `args` when any of them is more than an unknown value, so the literals inside
 * stay reachable and in place.
 */
export function operatorOpaque(ctx: LowerContext, node: TsNode, path: KeyPath, operands: Node[]): Opaque {
  const o = ctx.opaque(node, path);
  if (operands.some((x) => x.kind !== 'opaque' || x.args || x.kwargs)) o.args = operands;
  return o;
}

/** True for a source `Opaque` that carries nothing beyond its text. */
export function isBareOpaque(n: Node): boolean {
  return n.kind === 'opaque' && !n.args && !n.kwargs && n.callee === undefined;
}

/** `a + b + c` is nested to the left; its operands in source order, collected without recursion. */
export function chainOperands(n: TsNode): TsNode[] {
  const op = n.childForFieldName('operator')?.type;
  const out: TsNode[] = [];
  let cur: TsNode = n;
  for (;;) {
    const right = cur.childForFieldName('right');
    if (right) out.push(right);
    const left = cur.childForFieldName('left');
    if (!left) break;
    if (left.type === n.type && left.childForFieldName('operator')?.type === op) {
      cur = left;
      continue;
    }
    out.push(left);
    break;
  }
  return out.reverse();
}

/** The expression inside any number of wrapper nodes (parentheses; TypeScript `as`, `satisfies`, `!`). */
export function unwrapNodes(n: TsNode, wrappers: ReadonlySet<string>): TsNode {
  let cur = n;
  while (wrappers.has(cur.type)) {
    const inner = cur.namedChildren.find((c) => c && c.type !== 'comment');
    if (!inner) break;
    cur = inner;
  }
  return cur;
}
