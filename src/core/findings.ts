// The Finding every detector emits, its severity scale and its stable fingerprint.
import { createHash } from 'node:crypto';
import type { Doc, KeyPath, Node, SourceRange } from './model';
import { checkBudget } from './budget';
import { formatPath } from './model';

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export type Category = 'iam' | 'exposure' | 'drift' | 'endpoint' | 'agent' | 'ci';
export type AiOrigin = 'inline-completion' | 'chat-edit' | 'agent-write' | 'paste' | 'unknown';
export type ReviewState = 'required' | 'approved' | 'stale' | 'not-required' | 'suppressed';

export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function isSeverity(s: unknown): s is Severity {
  return typeof s === 'string' && (SEVERITIES as readonly string[]).includes(s);
}

/** 1-based, like SARIF. */
export interface FindingRange {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface Finding {
  ruleId: string;
  category: Category;
  severity: Severity;
  /** One sentence, quantified, naming what changed. */
  message: string;
  /** Repo-relative, forward slashes. */
  path: string;
  range: FindingRange;
  /** Hex sha256 over ruleId, path and the normalized flagged content. */
  fingerprint: string;
  before?: string;
  after?: string;
  /** Where the before state was, for related information in the editor. */
  beforeRange?: FindingRange;
  /** Longer explanation: blast radius, what the change allows. */
  details?: string;
  /** Dotted key path of the flagged value, when it has one. */
  keyPath?: string;
  aiOrigin?: AiOrigin;
  review?: ReviewState;
}

export function toFindingRange(r: SourceRange): FindingRange {
  return { startLine: r.startLine, startColumn: r.startColumn, endLine: r.endLine, endColumn: r.endColumn };
}

/** Whitespace-insensitive form of flagged content, so re-indenting keeps the fingerprint. */
export function normalizeContent(content: string): string {
  return content.replace(/\s+/g, ' ').trim();
}

export function fingerprint(ruleId: string, path: string, content: string): string {
  return createHash('sha256')
    .update(ruleId)
    .update('\0')
    .update(path)
    .update('\0')
    .update(normalizeContent(content))
    .digest('hex');
}

export interface FindingInput {
  ruleId: string;
  category: Category;
  severity: Severity;
  message: string;
  doc: Doc;
  /** The node whose range is flagged. */
  node?: Node;
  range?: SourceRange;
  /**
   * What the fingerprint is computed over: the risky content itself (a host, a grant), never
   * line numbers, so inserting lines above keeps it and changing the risk changes it.
   */
  content: string;
  before?: string;
  beforeDoc?: Doc;
  beforeNode?: Node;
  after?: string;
  details?: string;
  keyPath?: KeyPath;
}

/** Builds a Finding with its range, fingerprint and, unless given, an `after` snippet. */
export function makeFinding(input: FindingInput): Finding {
  checkBudget();
  const range = input.range ?? input.node?.range;
  if (!range) throw new Error(`finding ${input.ruleId} in ${input.doc.path} has neither node nor range`);
  const keyPath = input.keyPath ?? input.node?.path;
  const f: Finding = {
    ruleId: input.ruleId,
    category: input.category,
    severity: input.severity,
    message: input.message,
    path: input.doc.path,
    range: toFindingRange(range),
    fingerprint: fingerprint(input.ruleId, input.doc.path, input.content),
    after: input.after ?? snippet(input.doc.text, range),
  };
  if (input.before !== undefined) f.before = input.before;
  else if (input.beforeDoc && input.beforeNode) f.before = snippet(input.beforeDoc.text, input.beforeNode.range);
  if (input.beforeNode) f.beforeRange = toFindingRange(input.beforeNode.range);
  if (input.details) f.details = input.details;
  if (keyPath && keyPath.length) f.keyPath = formatPath(keyPath);
  return f;
}

const MAX_SNIPPET = 400;

/** The source lines a range covers, capped, for showing before/after. */
export function snippet(text: string, range: SourceRange): string {
  let start = text.lastIndexOf('\n', range.startOffset - 1) + 1;
  let end = text.indexOf('\n', Math.max(range.endOffset - 1, range.startOffset));
  if (end < 0) end = text.length;
  if (end - start > MAX_SNIPPET) {
    start = Math.max(start, range.startOffset - 80);
    end = Math.min(end, start + MAX_SNIPPET);
  }
  return text.slice(start, end).replace(/\r$/, '');
}

/**
 * Code-unit order: stable across machines and locales, and free of the one-off cost (~100 ms) of
 * initialising ICU collation that `localeCompare` pays on the hook's path.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.path, b.path) ||
    a.range.startLine - b.range.startLine ||
    a.range.startColumn - b.range.startColumn ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.fingerprint, b.fingerprint)
  );
}
