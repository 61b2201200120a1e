// Text -> Doc: parse with the language's grammar and lower into the neutral model.
import type { Node as TsNode, Tree } from 'web-tree-sitter';
import { newBudget, withinBudget, type Budget } from './budget';
import { discardParser, getParser, usesTreeSitter } from './languages';
import type { Doc, LanguageId, Node } from './model';
import { LineIndex } from './text';
import { LowerContext, type EmbeddedParsers, type Lowerer } from './lower/context';
import type { NodeReuse } from './lower/reuse';
import { lowerBash } from './lower/bash';
import { lowerDotenv } from './lower/dotenv';
import { lowerGo } from './lower/go';
import { lowerHcl } from './lower/hcl';
import { lowerJavaScript } from './lower/javascript';
import { lowerJson } from './lower/json';
import { lowerProperties } from './lower/properties';
import { lowerPython } from './lower/python';
import { lowerToml } from './lower/toml';
import { lowerYaml, MAX_YAML_BLOCK_LEVELS, yamlTooDeep } from './lower/yaml';

const LOWERERS: Partial<Record<LanguageId, Lowerer>> = {
  json: lowerJson,
  jsonc: lowerJson,
  yaml: lowerYaml,
  hcl: lowerHcl,
  toml: lowerToml,
  properties: lowerProperties,
  typescript: lowerJavaScript,
  tsx: lowerJavaScript,
  javascript: lowerJavaScript,
  python: lowerPython,
  go: lowerGo,
  bash: lowerBash,
};

/** Languages whose strings may hold YAML documents worth lowering (HCL heredocs, shell). */
const YAML_EMBEDDING: ReadonlySet<LanguageId> = new Set(['yaml', 'hcl', 'bash', 'python', 'typescript', 'tsx', 'javascript', 'go']);

/**
 * Inputs a grammar cannot survive: the check returns why, and the file becomes one opaque root
 * with that problem instead of being parsed.
 */
const PARSE_GUARDS: Partial<Record<LanguageId, (text: string) => string | undefined>> = {
  yaml: (text) => (yamlTooDeep(text) ? `block nesting deeper than ${MAX_YAML_BLOCK_LEVELS} levels; not parsed` : undefined),
};

/** Lowerers that read text directly, without a tree-sitter grammar. */
const TEXT_LOWERERS: Partial<Record<LanguageId, (text: string, ctx: LowerContext) => Node[]>> = {
  dotenv: lowerDotenv,
};

/**
 * Wall-clock budget for one tree-sitter parse. Error recovery in some grammars is super-linear on
 * hostile input (60 KB of `() => ` takes bash minutes); a parse past the budget is abandoned and
 * the file reported as not analysed. Generous (10 s plus 10 ms per KB, about 20 times a normal
 * parse) so a loaded machine does not trip it.
 */
export function parseBudgetMs(chars: number): number {
  return budgetOverride ? budgetOverride(chars) : 10_000 + chars / 100;
}

let budgetOverride: ((chars: number) => number) | undefined;

/** Replaces the parse budget (tests); undefined restores the default. */
export function setParseBudget(budget: ((chars: number) => number) | undefined): void {
  budgetOverride = budget;
}

/**
 * Loads, side by side, every grammar `parseDocument` will need for files in these languages (the
 * language's own and the embedded JSON/YAML ones), so a batch of files does not wait for one
 * grammar after another. Optional: `parseDocument` loads whatever is still missing.
 */
export async function prepareParsers(languages: Iterable<LanguageId>): Promise<void> {
  const wanted = new Set<LanguageId>();
  for (const language of languages) {
    wanted.add('json');
    if (YAML_EMBEDDING.has(language)) wanted.add('yaml');
    if (usesTreeSitter(language) && LOWERERS[language]) wanted.add(language);
  }
  await Promise.all([...wanted].map((l) => getParser(l)));
}

/**
 * `budget` bounds the lowering (shared with the caller's detectors and other side); without one
 * the file gets its own (see budget.ts), so lowering is always bounded.
 */
export async function parseDocument(path: string, text: string, language: LanguageId, budget: Budget = newBudget(text.length)): Promise<Doc> {
  const lines = new LineIndex(text);
  const embedded: EmbeddedParsers = { json: await getParser('json') };
  if (YAML_EMBEDDING.has(language)) embedded.yaml = await getParser('yaml');
  const ctx = new LowerContext(language, text, lines, embedded);
  const textLowerer = TEXT_LOWERERS[language];
  if (textLowerer) return { path, language, text, roots: withinBudget(budget, 'lowering', () => textLowerer(text, ctx)), problems: ctx.problems };
  if (!usesTreeSitter(language)) throw new Error(`no reader for language ${language}`);
  const lower = LOWERERS[language];
  if (!lower) throw new Error(`no lowering for language ${language}`);
  const refused = PARSE_GUARDS[language]?.(text);
  if (refused) {
    const range = lines.range(0, text.length);
    return { path, language, text, roots: [{ kind: 'opaque', text, range, path: [] }], problems: [{ message: refused, range }] };
  }
  const parser = await getParser(language);
  let tree: Tree | null = null;
  try {
    const parseMs = parseBudgetMs(text.length);
    const deadline = performance.now() + parseMs;
    tree = parser.parse(text, null, { progressCallback: () => performance.now() > deadline });
    if (!tree) {
      parser.reset();
      throw new Error(`parsing stopped after ${(parseMs / 1000).toFixed(0)} s (the grammar's error recovery does not finish on this input)`);
    }
    const root: TsNode = tree.rootNode;
    const roots = withinBudget(budget, 'lowering', () => {
      ctx.collectProblems(root);
      return lower(root, ctx);
    });
    return { path, language, text, roots, problems: ctx.problems };
  } catch (err) {
    // A trap inside a grammar poisons its parser; later files must not inherit it.
    if (err instanceof Error && err.name === 'RuntimeError') {
      discardParser(language);
      discardParser('json');
      discardParser('yaml');
    }
    throw err;
  } finally {
    tree?.delete();
  }
}

/** Whether the language is read through a tree-sitter tree, so it can be re-parsed incrementally. */
export function isTreeLowered(language: LanguageId): boolean {
  return !TEXT_LOWERERS[language] && usesTreeSitter(language) && !!LOWERERS[language];
}

/** Languages whose lowerers take over untouched nodes of the previous lowering (`NodeReuse`). */
const REUSING: ReadonlySet<LanguageId> = new Set(['json', 'jsonc', 'yaml', 'hcl']);

export function lowersIncrementally(language: LanguageId): boolean {
  return REUSING.has(language);
}

/** Documents whose nodes a later lowering may take over (the editor's incremental parser). */
const sharing = new WeakSet<Doc>();

/** Records that `doc`'s nodes may live on in the next lowering of an edited text. */
export function markNodesShared(doc: Doc): void {
  if (lowersIncrementally(doc.language)) sharing.add(doc);
}

/**
 * Whether per-node memos (`collectMemo`, replayed extraction) can pay off for `doc`: only when its
 * nodes may be analysed again. A one-off analysis (scan, the hook) skips the memo's bookkeeping.
 */
export function nodesMayBeShared(doc: Doc): boolean {
  return sharing.has(doc);
}

/**
 * Lowers a tree the caller keeps (incremental parsing re-uses it for the next edit); the caller
 * owns and deletes the tree. `reuse` hands the lowerer the previous lowering of an edited text.
 */
export async function lowerTree(path: string, text: string, language: LanguageId, tree: Tree, opts: { lines?: LineIndex; reuse?: NodeReuse } = {}): Promise<Doc> {
  const lower = LOWERERS[language];
  if (!lower) throw new Error(`no lowering for language ${language}`);
  const embedded: EmbeddedParsers = { json: await getParser('json') };
  if (YAML_EMBEDDING.has(language)) embedded.yaml = await getParser('yaml');
  const ctx = new LowerContext(language, text, opts.lines ?? new LineIndex(text), embedded);
  if (opts.reuse && REUSING.has(language)) ctx.reuse = opts.reuse;
  const root: TsNode = tree.rootNode;
  const roots = withinBudget(newBudget(text.length), 'lowering', () => {
    ctx.collectProblems(root);
    return lower(root, ctx);
  });
  return { path, language, text, roots, problems: ctx.problems };
}
