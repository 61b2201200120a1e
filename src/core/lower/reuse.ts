// Re-lowering after an incremental re-parse: a model node of the previous lowering is taken over,
// instead of being lowered again, when its source text is untouched by the edit, tree-sitter
// reports no syntax change over it and it sits at the same key path. Taken-over nodes keep their
// object identity (detectors memoise per node) and get their ranges moved to the new text.
import type { Node as TsNode } from 'web-tree-sitter';
import type { KeyPath, Node, ObjEntry, SourceRange } from '../model';
import type { LineIndex } from '../text';

/** The one region where the old and the new text differ (UTF-16 offsets). */
export interface TextDelta {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** The smallest region outside which `before` and `after` are identical. */
export function textDelta(before: string, after: string): TextDelta {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, oldEnd: before.length - tail, newEnd: after.length - tail };
}

/** A region of the new text whose syntax changed (`tree.getChangedRanges`). */
export interface ChangedRange {
  startIndex: number;
  endIndex: number;
}

/**
 * Answers, while one tree is lowered, "is the old node for this tree node still valid?". Reuse
 * points must lower a subtree from its own text and key path alone (no anchors, no shared nodes,
 * no problems recorded on the way); lowerers call `keep`/`keepEntry` only where that holds.
 */
export class NodeReuse {
  /** Nodes taken over (each at most once). */
  readonly taken = new Set<Node>();
  private readonly delta: number;
  /** Old nodes starting on a line after this one move by whole lines; their columns stay. */
  private readonly pivotLine: number;
  private readonly lineDelta: number;

  constructor(
    readonly oldRoots: readonly Node[],
    private readonly edit: TextDelta,
    private readonly changed: readonly ChangedRange[],
    oldLines: LineIndex,
    private readonly newLines: LineIndex,
  ) {
    this.delta = edit.newEnd - edit.oldEnd;
    const pivot = Math.min(edit.oldEnd + 1, oldLines.text.length);
    this.pivotLine = oldLines.position(pivot).line;
    this.lineDelta = newLines.position(pivot + this.delta).line - this.pivotLine;
  }

  /**
   * The old node among `candidates` (siblings in source order) that started where `ts` starts
   * now, if any: the one to take over, or, for a node the edit falls in, the one to descend into.
   */
  counterpart(candidates: readonly Node[] | undefined, ts: TsNode): Node | undefined {
    if (!candidates?.length) return undefined;
    const start = ts.startIndex;
    if (start < this.edit.start) return findByStart(candidates, start, startOfNode);
    if (start > this.edit.newEnd) return findByStart(candidates, start - this.delta, startOfNode);
    return undefined;
  }

  /**
   * `old` (the counterpart of `ts`) with its ranges moved to the new text when it is still what
   * lowering `ts` at `path` gives; undefined when `ts` must be lowered again.
   */
  keep(old: Node | undefined, ts: TsNode, path: KeyPath): Node | undefined {
    if (!old || this.taken.has(old)) return undefined;
    const after = this.untouched(ts);
    if (after === undefined) return undefined;
    const shift = after ? this.delta : 0;
    if (old.range.startOffset !== ts.startIndex - shift || old.range.endOffset !== ts.endIndex - shift || !samePath(old.path, path)) return undefined;
    if (after && (this.delta !== 0 || this.lineDelta !== 0)) this.move(old);
    this.taken.add(old);
    return old;
  }

  /**
   * The old entry of an object for a whole key/value pair `ts` (key first, value last, as in
   * JSON), taken over with its key range and value when the pair is untouched: no re-reading of
   * the key and value through the tree.
   */
  keepEntry(oldEntries: readonly ObjEntry[] | undefined, ts: TsNode, path: KeyPath): ObjEntry | undefined {
    if (!oldEntries?.length) return undefined;
    const after = this.untouched(ts);
    if (after === undefined) return undefined;
    const shift = after ? this.delta : 0;
    const start = ts.startIndex - shift;
    const entry = findByStart(oldEntries, start, (e) => e.keyRange.startOffset);
    if (!entry || this.taken.has(entry.value) || entry.value.range.endOffset !== ts.endIndex - shift) return undefined;
    const p = entry.value.path;
    if (p.length !== path.length + 1 || p[path.length] !== entry.key || !samePath(p.slice(0, path.length), path)) return undefined;
    if (after && (this.delta !== 0 || this.lineDelta !== 0)) {
      entry.keyRange = this.moveRange(entry.keyRange);
      this.move(entry.value);
    }
    this.taken.add(entry.value);
    return entry;
  }

  /** false: before the edit; true: after it; undefined: the edit or a syntax change touches `ts`. */
  private untouched(ts: TsNode): boolean | undefined {
    const start = ts.startIndex;
    const end = ts.endIndex;
    const after = start > this.edit.newEnd;
    if (!after && end >= this.edit.start) return undefined;
    for (const r of this.changed) if (r.startIndex <= end && start <= r.endIndex) return undefined;
    return after;
  }

  private moveRange(r: SourceRange): SourceRange {
    const startOffset = r.startOffset + this.delta;
    const endOffset = r.endOffset + this.delta;
    if (r.startLine > this.pivotLine) {
      return { startOffset, endOffset, startLine: r.startLine + this.lineDelta, startColumn: r.startColumn, endLine: r.endLine + this.lineDelta, endColumn: r.endColumn };
    }
    return this.newLines.range(startOffset, endOffset);
  }

  /** New range objects (never mutated ones: findings and copies may share them) for a whole subtree. */
  private move(node: Node): void {
    const stack: Node[] = [node];
    while (stack.length) {
      const n = stack.pop()!;
      n.range = this.moveRange(n.range);
      switch (n.kind) {
        case 'object':
          for (const e of n.entries) {
            e.keyRange = this.moveRange(e.keyRange);
            stack.push(e.value);
          }
          break;
        case 'array':
          for (const x of n.items) stack.push(x);
          break;
        case 'string':
          if (n.embedded) stack.push(n.embedded);
          break;
        case 'opaque':
          if (n.args) for (const x of n.args) stack.push(x);
          if (n.kwargs) stack.push(n.kwargs);
          break;
      }
    }
  }
}

/** The item of `items` (ascending by `startOf`) that starts exactly at `start`. */
function findByStart<T>(items: readonly T[], start: number, startOf: (item: T) => number): T | undefined {
  let lo = 0;
  let hi = items.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = startOf(items[mid]);
    if (s === start) return items[mid];
    if (s < start) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

function samePath(a: KeyPath, b: KeyPath): boolean {
  if (a.length !== b.length) return false;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

function startOfNode(node: Node): number {
  return node.range.startOffset;
}
