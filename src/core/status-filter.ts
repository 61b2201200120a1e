// The panel's filters and search over the status data. No Node or VS Code imports: the webview
// bundles this, and the extension applies the same filter when it exports the current view.
import type { BypassedCommit, StatusFinding, StatusRecord, StatusReport } from './review/report';

export interface StatusFilter {
  /** '' means any. */
  severity: string;
  category: string;
  state: string;
  ai: '' | 'ai' | 'not-ai';
  /** Case-insensitive substring of the path; `*` matches any run of characters. */
  path: string;
  reviewer: string;
  /** Case-insensitive words, all of which must appear somewhere in the row. */
  search: string;
}

export const EMPTY_FILTER: StatusFilter = { severity: '', category: '', state: '', ai: '', path: '', reviewer: '', search: '' };

const AI = ['inline-completion', 'chat-edit', 'agent-write'];

function pattern(text: string): ((s: string) => boolean) | undefined {
  const t = text.trim().toLowerCase();
  if (!t) return undefined;
  if (!t.includes('*')) return (s) => s.toLowerCase().includes(t);
  const re = new RegExp(t.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*'));
  return (s) => re.test(s.toLowerCase());
}

function words(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

function hasAll(hay: string, ws: string[]): boolean {
  const h = hay.toLowerCase();
  return ws.every((w) => h.includes(w));
}

export function findingMatches(f: StatusFinding, filter: StatusFilter): boolean {
  if (filter.severity && f.severity !== filter.severity) return false;
  if (filter.category && f.category !== filter.category) return false;
  if (filter.state && f.state !== filter.state) return false;
  const ai = !!f.aiOrigin && AI.includes(f.aiOrigin);
  if (filter.ai === 'ai' && !ai) return false;
  if (filter.ai === 'not-ai' && ai) return false;
  const p = pattern(filter.path);
  if (p && !p(f.path)) return false;
  const r = pattern(filter.reviewer);
  if (r && !f.approvedBy.some(r)) return false;
  const ws = words(filter.search);
  return !ws.length || hasAll([f.path, f.ruleId, f.message, f.severity, f.state, f.category ?? '', f.aiOrigin ?? '', f.approvedBy.join(' '), f.after ?? '', f.before ?? ''].join('\n'), ws);
}

export function recordMatches(r: StatusRecord, filter: StatusFilter): boolean {
  const p = pattern(filter.path);
  if (p && !r.findings.some((f) => p(f.path))) return false;
  const rv = pattern(filter.reviewer);
  if (rv && !rv(r.reviewer ?? '')) return false;
  if (filter.state === 'stale' && !r.staleFingerprints?.length) return false;
  if (filter.state === 'expired' && r.state !== 'expired') return false;
  if (filter.state === 'break-glass' && r.state !== 'break-glass') return false;
  const ws = words(filter.search);
  return !ws.length || hasAll([r.reviewer ?? '', r.author ?? '', r.note ?? '', r.state, r.id ?? '', ...r.findings.map((f) => `${f.path} ${f.ruleId} ${f.summary}`)].join('\n'), ws);
}

export function bypassMatches(b: BypassedCommit, filter: StatusFilter): boolean {
  if (filter.reviewer.trim()) return false;
  const ws = words(filter.search);
  return !ws.length || hasAll([b.commit, b.subject, b.author].join('\n'), ws);
}

export interface FilteredStatus {
  findings: StatusFinding[];
  records: StatusRecord[];
  bypassed: BypassedCommit[];
}

export function filterStatus(report: StatusReport, filter: StatusFilter): FilteredStatus {
  return {
    findings: report.findings.filter((f) => findingMatches(f, filter)),
    records: report.records.filter((r) => recordMatches(r, filter)),
    bypassed: (report.bypassed ?? []).filter((b) => bypassMatches(b, filter)),
  };
}
