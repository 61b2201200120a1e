// Test helper: every string literal in a code file must be reachable through walkDoc.
import type { Node as TsNode } from 'web-tree-sitter';
import { getParser } from '../../src/core/languages';
import { walkDoc, type Doc, type LanguageId } from '../../src/core/model';

/** Literal string node types per grammar, and containers that join them into one value. */
const STRING_TYPES: Partial<Record<LanguageId, string[]>> = {
  typescript: ['string', 'template_string'],
  tsx: ['string', 'template_string'],
  javascript: ['string', 'template_string'],
  python: ['string'],
  go: ['interpreted_string_literal', 'raw_string_literal'],
  bash: ['string', 'raw_string', 'ansi_c_string', 'heredoc_body'],
};
const JOINERS = new Set(['concatenated_string', 'concatenation']);
const NOT_VALUES = new Set(['import_statement', 'import_from_statement', 'import_declaration', 'import_spec', 'comment']);

/** Start offsets of the string literals a lowering must expose (imports and requires excluded). */
export async function literalStarts(text: string, language: LanguageId): Promise<Array<{ offset: number; text: string }>> {
  const types = new Set(STRING_TYPES[language] ?? []);
  const parser = await getParser(language);
  const tree = parser.parse(text)!;
  const out: Array<{ offset: number; text: string }> = [];
  const stack: Array<[TsNode, TsNode | undefined]> = [[tree.rootNode, undefined]];
  while (stack.length) {
    const [n, parent] = stack.pop()!;
    if (NOT_VALUES.has(n.type) || isRequire(n)) continue;
    if (types.has(n.type)) {
      const at = parent && JOINERS.has(parent.type) ? parent : n;
      out.push({ offset: at.startIndex, text: n.text });
      continue;
    }
    for (const c of n.namedChildren) if (c) stack.push([c, n]);
  }
  tree.delete();
  return out;
}

function isRequire(n: TsNode): boolean {
  if (n.type !== 'call_expression') return false;
  const fn = n.childForFieldName('function');
  return !!fn && (fn.type === 'import' || fn.text === 'require');
}

/** Start offsets of every Str, Opaque and object key in the document. */
export function reachableStarts(doc: Doc): Set<number> {
  const out = new Set<number>();
  walkDoc(doc, (n) => {
    if (n.kind === 'string' || n.kind === 'opaque') out.add(n.range.startOffset);
    if (n.kind === 'object') for (const e of n.entries) out.add(e.keyRange.startOffset);
  });
  return out;
}
