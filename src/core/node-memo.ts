// Per-node memoised collection over the model. After an incremental re-parse the untouched
// subtrees are the same node objects as before (`lower/reuse.ts`), so a detector that collects
// per node only re-visits the path from the roots down to what the edit changed.
import { walk, type Node } from './model';

const EMPTY: readonly never[] = Object.freeze([]);

/** Beyond this depth a subtree is collected by a plain walk (no memo): bounded recursion. */
const MAX_MEMO_DEPTH = 400;

/**
 * What `visit` adds for every node under `roots`, in `walk` order (roots in order, depth-first,
 * each node once), memoised per node object in `memo`. Sound only for visitors whose output for a
 * node depends on that node (its content and key path) alone, never on its range or its parent;
 * keep one `memo` per visitor and per everything else the visitor reads (rules).
 */
export function collectMemo<T>(roots: readonly Node[], memo: WeakMap<Node, readonly T[]>, visit: (node: Node, out: T[]) => void): T[] {
  const out: T[] = [];
  for (const r of roots) for (const x of subtree(r, memo, visit, 0)) out.push(x);
  return out;
}

function subtree<T>(node: Node, memo: WeakMap<Node, readonly T[]>, visit: (node: Node, out: T[]) => void, depth: number): readonly T[] {
  const hit = memo.get(node);
  if (hit) return hit;
  let out: T[] = [];
  // Shell `--flag value` puts one node object in both `args` and `kwargs`; a plain walk visits
  // it once, as from scratch. Deep subtrees are walked plainly too.
  if ((node.kind === 'opaque' && node.kwargs) || depth > MAX_MEMO_DEPTH) {
    walk(node, (n) => visit(n, out));
  } else {
    visit(node, out);
    const add = (child: Node) => {
      const sub = subtree(child, memo, visit, depth + 1);
      if (!sub.length) return;
      if (!out.length) out = sub.slice();
      else for (const x of sub) out.push(x);
    };
    switch (node.kind) {
      case 'object':
        for (const e of node.entries) add(e.value);
        break;
      case 'array':
        for (const x of node.items) add(x);
        break;
      case 'string':
        if (node.embedded) add(node.embedded);
        break;
      case 'opaque':
        if (node.args) for (const x of node.args) add(x);
        break;
    }
  }
  const result = out.length ? out : (EMPTY as readonly T[]);
  memo.set(node, result);
  return result;
}
