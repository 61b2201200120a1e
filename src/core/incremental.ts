// Incremental parsing for an open document: keeps the previous tree-sitter tree, applies the
// editor's changes to it with `tree.edit`, and re-parses with the old tree so only the edited
// region is re-read, and re-lowers only what changed: untouched model nodes of the previous
// lowering are taken over (`NodeReuse`), so detectors that memoise per node skip them too.
import type { Edit, Point, Tree } from 'web-tree-sitter';
import { getParser } from './languages';
import { NodeReuse, textDelta, type TextDelta } from './lower/reuse';
import type { Doc, LanguageId } from './model';
import { isTreeLowered, lowersIncrementally, lowerTree, markNodesShared, parseDocument } from './parse';
import { lastAtOrBefore, LineIndex } from './text';

/** One replacement, in UTF-16 offsets of the text as it is when this change applies. */
export interface TextChange {
  startOffset: number;
  oldEndOffset: number;
  newText: string;
}

export interface IncrementalStats {
  /** Parses that re-used the previous tree. */
  incremental: number;
  /** Parses from scratch (first parse, no or inconsistent changes, unsupported language). */
  full: number;
  /** Model subtrees taken over from the previous lowering, over all parses. */
  reusedNodes: number;
}

/** Start offsets of the lines as tree-sitter counts rows: only `\n` ends a row. */
function rowStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function pointAt(starts: readonly number[], offset: number): Point {
  const row = lastAtOrBefore(starts, offset);
  return { row, column: offset - starts[row] };
}

function endPoint(start: Point, inserted: string): Point {
  const last = inserted.lastIndexOf('\n');
  if (last < 0) return { row: start.row, column: start.column + inserted.length };
  let rows = 0;
  for (let i = inserted.indexOf('\n'); i >= 0; i = inserted.indexOf('\n', i + 1)) rows++;
  return { row: start.row + rows, column: inserted.length - last - 1 };
}

/** Where the old and new text differ: read off a single change, else found by comparing. */
function deltaOf(oldText: string, text: string, changes: readonly TextChange[]): TextDelta {
  if (changes.length === 1) {
    const c = changes[0];
    return { start: c.startOffset, oldEnd: c.oldEndOffset, newEnd: c.startOffset + c.newText.length };
  }
  return textDelta(oldText, text);
}

/**
 * The parse state of one document. `parse(text, changes)` with the changes since the previous
 * call re-uses the previous tree; without changes, or when they do not turn the previous text
 * into `text`, it parses from scratch, so a missed event costs time, never correctness.
 *
 * A returned `Doc` is valid until the next `parse`: nodes the next lowering takes over are the
 * same objects, with their ranges moved to the new text.
 */
export class IncrementalParser {
  private tree: Tree | undefined;
  private text: string | undefined;
  private lowered: { doc: Doc; lines: LineIndex } | undefined;
  readonly stats: IncrementalStats = { incremental: 0, full: 0, reusedNodes: 0 };

  constructor(
    readonly path: string,
    readonly language: LanguageId,
  ) {}

  async parse(text: string, changes?: readonly TextChange[]): Promise<Doc> {
    if (!isTreeLowered(this.language)) {
      this.stats.full++;
      return parseDocument(this.path, text, this.language);
    }
    const parser = await getParser(this.language);
    const old = changes && changes.length && this.tree && this.text !== undefined ? this.applyEdits(this.tree, this.text, changes, text) : undefined;
    const tree = parser.parse(text, old ?? null);
    if (!tree) throw new Error(`tree-sitter returned no tree for ${this.path}`);
    if (old) this.stats.incremental++;
    else this.stats.full++;
    const lines = new LineIndex(text);
    const previous = this.lowered;
    this.lowered = undefined;
    let reuse: NodeReuse | undefined;
    if (old && previous && changes && this.text !== undefined && lowersIncrementally(this.language)) {
      reuse = new NodeReuse(previous.doc.roots, deltaOf(this.text, text, changes), tree.getChangedRanges(old), previous.lines, lines);
    }
    this.tree?.delete();
    this.tree = tree;
    this.text = text;
    const doc = await lowerTree(this.path, text, this.language, tree, { lines, reuse });
    markNodesShared(doc);
    if (reuse) this.stats.reusedNodes += reuse.taken.size;
    this.lowered = { doc, lines };
    return doc;
  }

  /** Edits the old tree in place; undefined (and a full parse) when the changes do not fit. */
  private applyEdits(tree: Tree, oldText: string, changes: readonly TextChange[], expected: string): Tree | undefined {
    let text = oldText;
    const edits: Edit[] = [];
    let starts = rowStarts(text);
    for (const c of changes) {
      if (c.startOffset < 0 || c.oldEndOffset < c.startOffset || c.oldEndOffset > text.length) return undefined;
      const startPosition = pointAt(starts, c.startOffset);
      const oldEndPosition = pointAt(starts, c.oldEndOffset);
      const newEndPosition = endPoint(startPosition, c.newText);
      edits.push({ startIndex: c.startOffset, oldEndIndex: c.oldEndOffset, newEndIndex: c.startOffset + c.newText.length, startPosition, oldEndPosition, newEndPosition } as Edit);
      text = text.slice(0, c.startOffset) + c.newText + text.slice(c.oldEndOffset);
      if (changes.length > 1) starts = rowStarts(text);
    }
    if (text !== expected) return undefined;
    for (const e of edits) tree.edit(e);
    return tree;
  }

  dispose(): void {
    this.lowered = undefined;
    this.tree?.delete();
    this.tree = undefined;
    this.text = undefined;
  }
}
