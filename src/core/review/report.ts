// The text the hook and `check` print, and the JSON shape `status` emits (the panel reads it).
import type { FileNote } from '../analyze';
import type { ReviewOutcome } from './engine';
import type { ReviewedFinding, RecordStatus } from './policy';

export function findingLine(r: ReviewedFinding, label: string): string {
  const f = r.finding;
  const ai = f.aiOrigin && f.aiOrigin !== 'unknown' ? ` [AI: ${f.aiOrigin}]` : '';
  return `  ${f.path}:${f.range.startLine}  ${f.ruleId} (${f.severity})${ai}\n      ${f.message}\n      -> ${label}${r.problems.length ? `\n      ${r.problems.join('\n      ')}` : ''}`;
}

export function notesText(notes: FileNote[]): string {
  return notes.map((n) => `  note: ${n.path}: ${n.message}`).join('\n');
}

/**
 * Human report for check/verify; `blocked` decides the headline. `verify` passes
 * `breakGlassBlocks`: there break-glass is not an approval, so its findings are not "covered".
 */
export function outcomeText(o: ReviewOutcome, label: (r: ReviewedFinding) => string, requestCommand: string, opts: { breakGlassBlocks?: boolean } = {}): string {
  const lines: string[] = [];
  const broken = opts.breakGlassBlocks ? o.findings.filter((r) => r.state === 'break-glass') : [];
  const blocked = o.errors.length > 0 || o.blocking.length > 0 || broken.length > 0;
  if (o.errors.length) {
    lines.push('foureyes: cannot decide, so the change is blocked (fail closed):');
    for (const e of o.errors) lines.push(`  ${e}`);
  }
  if (o.blocking.length) {
    lines.push(`foureyes: blocked: ${o.blocking.length} finding(s) need senior review:`);
    for (const r of o.blocking) lines.push(findingLine(r, label(r)));
    lines.push('', `Request review:      ${requestCommand}`);
    lines.push('A senior here runs:  foureyes approve --staged --note "why this is acceptable"');
    lines.push('Emergency only:      foureyes break-glass --reason "..." (recorded; CI and the review panel report it)');
  }
  if (broken.length) {
    lines.push(`foureyes: blocked: ${broken.length} finding(s) let through by break-glass still need a senior's approval (break-glass is not an approval):`);
    for (const r of broken) lines.push(findingLine(r, label(r)));
  }
  const ok = o.findings.filter((r) => r.state === 'approved' || (r.state === 'break-glass' && !opts.breakGlassBlocks));
  if (ok.length) {
    lines.push(`foureyes: ${ok.length} finding(s) covered:`);
    for (const r of ok) lines.push(findingLine(r, label(r)));
  }
  const minor = o.findings.filter((r) => r.state === 'not-required');
  if (minor.length) lines.push(`foureyes: ${minor.length} finding(s) below the review threshold (not blocking)`);
  for (const i of o.info) lines.push(`foureyes: ${i}`);
  if (o.notes.length) lines.push(notesText(o.notes));
  if (!blocked && !o.findings.length && !o.info.length) lines.push(`foureyes: ok (${o.analysedFiles} file(s) analysed, nothing needs review)`);
  else if (!blocked) lines.push('foureyes: ok');
  return lines.join('\n') + '\n';
}

export interface StatusFinding {
  ruleId: string;
  severity: string;
  path: string;
  line: number;
  message: string;
  fingerprint: string;
  aiOrigin?: string;
  state: ReviewedFinding['state'];
  required: number;
  approvedBy: string[];
  problems: string[];
  category?: string;
  endLine?: number;
  column?: number;
  before?: string;
  after?: string;
  /** Where the change sits: uncommitted edits, the index, or commits on the branch. */
  source?: 'working-tree' | 'index' | 'branch';
  /** When the finding first appeared (commit date on the branch, file time when uncommitted). */
  since?: string;
  /** The branch commit that introduced it. */
  commit?: string;
}

export interface StatusRecord {
  path: string;
  id?: string;
  kind?: 'approval' | 'break-glass';
  state: RecordStatus['state'];
  reviewer?: string;
  author?: string;
  createdAt?: string;
  expiresAt?: string;
  note?: string;
  findings: Array<{ fingerprint: string; ruleId: string; path: string; summary: string }>;
  problems: string[];
  /** The commit that added the record, when known. */
  commit?: { id: string; author: string; date: string };
  /** Fingerprints it lists whose flagged content has since changed (same rule and path, new fingerprint). */
  staleFingerprints?: string[];
}

export interface StatusReport {
  version: 1;
  blocked: boolean;
  errors: string[];
  info: string[];
  findings: StatusFinding[];
  records: StatusRecord[];
  /** The branch's base, when the branch is compared with one. */
  base?: { ref: string; commit: string };
  /** Commits whose own check would have blocked: they did not pass through the hook. */
  bypassed?: BypassedCommit[];
  history?: StatusHistory;
  summary?: StatusSummary;
}

export interface BypassedCommit {
  commit: string;
  subject: string;
  author: string;
  date: string;
  /** Unapproved findings it introduced, and errors its check would have reported. */
  findings: number;
  errors: number;
  fingerprints: string[];
  inBranch: boolean;
}

export interface HistoryBucket {
  label: string;
  /** ISO dates (weeks) or commit ids (commits) the bucket spans. */
  start: string;
  end: string;
  byCategory: Record<string, number>;
  total: number;
  aiOrigin: number;
}

export interface StatusHistory {
  by: 'week' | 'commit';
  buckets: HistoryBucket[];
  commitsScanned: number;
  categories: string[];
}

export interface StatusSummary {
  byState: Record<string, number>;
  bySeverity: Record<string, number>;
  /** Findings that need review (required > 0) and how many of them are AI-origin. */
  risky: number;
  riskyAiOrigin: number;
  records: { valid: number; expired: number; invalid: number; breakGlass: number; stale: number };
  bypassed: number;
}

export function statusFindings(o: ReviewOutcome): StatusFinding[] {
  return o.findings.map((r) => ({
    ruleId: r.finding.ruleId,
    severity: r.finding.severity,
    path: r.finding.path,
    line: r.finding.range.startLine,
    message: r.finding.message,
    fingerprint: r.finding.fingerprint,
    ...(r.finding.aiOrigin ? { aiOrigin: r.finding.aiOrigin } : {}),
    state: r.state,
    required: r.required,
    approvedBy: r.approvedBy,
    problems: r.problems,
    category: r.finding.category,
    endLine: r.finding.range.endLine,
    column: r.finding.range.startColumn,
    ...(r.finding.before !== undefined ? { before: r.finding.before } : {}),
    ...(r.finding.after !== undefined ? { after: r.finding.after } : {}),
  }));
}

export function statusRecords(o: ReviewOutcome): StatusRecord[] {
  return o.records.map((s) => {
    const r = s.record;
    return {
      path: s.path,
      state: s.state,
      problems: s.problems,
      findings: r?.findings ?? [],
      ...(r
        ? {
            id: r.id,
            kind: r.kind,
            author: r.author,
            createdAt: r.createdAt,
            ...(r.kind === 'approval' ? { reviewer: r.reviewer, expiresAt: r.expiresAt, note: r.note } : { note: r.reason }),
          }
        : {}),
    };
  });
}
