// Pure shaping of the status data: the history chart's buckets, the counts at the top of the
// panel, and which approvals went stale. No git, no I/O: the CLI and the panel show the same numbers.
import type { BypassedCommit, HistoryBucket, StatusFinding, StatusHistory, StatusRecord, StatusSummary } from './review/report';
import type { CommitReview } from './status-history';

export const CATEGORIES = ['iam', 'exposure', 'drift', 'endpoint', 'agent', 'ci'] as const;
export const AI_ORIGINS: readonly string[] = ['inline-completion', 'chat-edit', 'agent-write'];

const WEEK_MS = 7 * 86_400_000;

export function isAiOrigin(origin: string | undefined): boolean {
  return !!origin && AI_ORIGINS.includes(origin);
}

function emptyBucket(label: string, start: string, end: string): HistoryBucket {
  return { label, start, end, byCategory: {}, total: 0, aiOrigin: 0 };
}

function add(bucket: HistoryBucket, category: string, ai: boolean): void {
  bucket.byCategory[category] = (bucket.byCategory[category] ?? 0) + 1;
  bucket.total++;
  if (ai) bucket.aiOrigin++;
}

export interface HistoryShape {
  by: 'week' | 'commit';
  /** Weeks back from `now`, or the newest commits. */
  count: number;
  now: Date;
  /** AI origin of a commit finding, where the provenance record knows it. */
  aiOf?: (path: string, blob: string, line: number, endLine: number) => string | undefined;
}

/** Findings introduced per week or per commit, oldest bucket first. `reviews` newest first. */
export function historyBuckets(reviews: CommitReview[], shape: HistoryShape): StatusHistory {
  const count = Math.max(1, Math.floor(shape.count));
  const seen = new Set<string>();
  const buckets: HistoryBucket[] = [];
  if (shape.by === 'week') {
    const end = shape.now.getTime();
    for (let i = count - 1; i >= 0; i--) {
      const s = new Date(end - (i + 1) * WEEK_MS).toISOString();
      const e = new Date(end - i * WEEK_MS).toISOString();
      buckets.push(emptyBucket(s.slice(0, 10), s, e));
    }
    const first = end - count * WEEK_MS;
    for (const r of reviews) {
      const t = Date.parse(r.date);
      if (!(t >= first && t < end + 1)) continue;
      const idx = Math.min(count - 1, Math.floor((t - first) / WEEK_MS));
      for (const f of r.findings) {
        seen.add(f.category);
        add(buckets[idx], f.category, isAiOrigin(shape.aiOf?.(f.path, f.blob, f.line, f.endLine)));
      }
    }
  } else {
    for (const r of reviews.slice(0, count).reverse()) {
      const b = emptyBucket(r.id.slice(0, 7), r.date, r.id);
      for (const f of r.findings) {
        seen.add(f.category);
        add(b, f.category, isAiOrigin(shape.aiOf?.(f.path, f.blob, f.line, f.endLine)));
      }
      buckets.push(b);
    }
  }
  const categories = [...CATEGORIES.filter((c) => seen.has(c)), ...[...seen].filter((c) => !(CATEGORIES as readonly string[]).includes(c)).sort()];
  return { by: shape.by, buckets, commitsScanned: reviews.length, categories };
}

/** Commits whose own check would have blocked them: the hook was skipped or not installed. */
export function bypassedCommits(reviews: CommitReview[], branch: Set<string>): BypassedCommit[] {
  return reviews
    .filter((r) => r.blocked && !r.merge)
    .map((r) => {
      const open = r.findings.filter((f) => f.state === 'required' || f.state === 'stale' || f.state === 'expired');
      return {
        commit: r.id,
        subject: r.subject,
        author: r.author,
        date: r.date,
        findings: open.length,
        errors: r.errors.length,
        fingerprints: open.map((f) => f.fingerprint),
        inBranch: branch.has(r.id),
      };
    });
}

/**
 * Approvals listing a (rule, path) that now has a finding with another fingerprint, and none with
 * the listed one: the flagged content changed after it was approved.
 */
export function markStaleRecords(records: StatusRecord[], findings: StatusFinding[]): StatusRecord[] {
  const current = new Set(findings.map((f) => f.fingerprint));
  const byRulePath = new Map<string, Set<string>>();
  for (const f of findings) {
    const k = `${f.ruleId}\0${f.path}`;
    if (!byRulePath.has(k)) byRulePath.set(k, new Set());
    byRulePath.get(k)!.add(f.fingerprint);
  }
  return records.map((r) => {
    if (r.kind !== 'approval') return r;
    const stale = r.findings.filter((ref) => !current.has(ref.fingerprint) && byRulePath.has(`${ref.ruleId}\0${ref.path}`)).map((ref) => ref.fingerprint);
    return stale.length ? { ...r, staleFingerprints: stale } : r;
  });
}

export function summarize(findings: StatusFinding[], records: StatusRecord[], bypassed: BypassedCommit[]): StatusSummary {
  const byState: Record<string, number> = {};
  const bySeverity: Record<string, number> = {};
  let risky = 0;
  let riskyAiOrigin = 0;
  for (const f of findings) {
    byState[f.state] = (byState[f.state] ?? 0) + 1;
    bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
    if (f.required > 0) {
      risky++;
      if (isAiOrigin(f.aiOrigin)) riskyAiOrigin++;
    }
  }
  const rec = { valid: 0, expired: 0, invalid: 0, breakGlass: 0, stale: 0 };
  for (const r of records) {
    if (r.state === 'break-glass') rec.breakGlass++;
    else rec[r.state]++;
    if (r.staleFingerprints?.length) rec.stale++;
  }
  return { byState, bySeverity, risky, riskyAiOrigin, records: rec, bypassed: bypassed.length };
}
