// Shared state and helpers for lowering one tree-sitter tree into the neutral model.
import type { Node as TsNode, Parser } from 'web-tree-sitter';
import type { KeyPath, LanguageId, Node, Opaque, ParseProblem, SourceRange } from '../model';
import { checkBudget } from '../budget';
import { LineIndex } from '../text';
import type { NodeReuse } from './reuse';

/** Parsers the lowering may use synchronously for embedded documents (loaded beforehand). */
export type EmbeddedParsers = Partial<Record<'json' | 'yaml', Parser>>;

export class LowerContext {
  readonly problems: ParseProblem[] = [];
  /** Set when re-lowering after an incremental re-parse: the previous lowering's nodes to take over. */
  reuse?: NodeReuse;

  constructor(
    readonly language: LanguageId,
    readonly text: string,
    readonly lines: LineIndex,
    readonly embeddedParsers: EmbeddedParsers = {},
    /** Added to every offset: non-zero when lowering a document embedded in a larger file. */
    readonly offsetMap?: (offset: number) => number,
    /** Key path of the string an embedded document was found in. */
    readonly basePath: KeyPath = [],
  ) {}

  rangeOf(node: TsNode): SourceRange {
    return this.range(node.startIndex, node.endIndex);
  }

  range(start: number, end: number): SourceRange {
    checkBudget();
    if (this.offsetMap) return this.lines.range(this.offsetMap(start), this.offsetMap(end));
    return this.lines.range(start, end);
  }

  opaque(node: TsNode, path: KeyPath, extra: Partial<Opaque> = {}): Opaque {
    return { kind: 'opaque', text: node.text, range: this.rangeOf(node), path, ...extra };
  }

  /** Records every ERROR/MISSING node once, as a problem with a line number. */
  collectProblems(root: TsNode): void {
    if (!root.hasError) return;
    const stack: TsNode[] = [root];
    let count = 0;
    while (stack.length && count < 20) {
      const n = stack.pop()!;
      if (n.isError || n.isMissing) {
        count++;
        this.problems.push({
          message: n.isMissing ? `missing ${n.type}` : `unexpected ${JSON.stringify(n.text.slice(0, 30))}`,
          range: this.rangeOf(n),
        });
        continue;
      }
      if (!n.hasError) continue;
      for (let i = n.childCount - 1; i >= 0; i--) {
        const c = n.child(i);
        if (c) stack.push(c);
      }
    }
  }
}

/** Lowering functions share this shape: one tree in, top-level values out. */
export type Lowerer = (root: TsNode, ctx: LowerContext) => Node[];
