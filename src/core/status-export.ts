// The current view of the review-status panel as Markdown, CSV or SARIF (findings only).
import { allRules } from './detectors/registry';
import type { Category, Finding, Severity } from './findings';
import { toSarif } from './output/sarif';
import type { StatusFinding } from './review/report';
import type { FilteredStatus } from './status-filter';

function md(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/([<>`*_[\]])/g, '\\$1');
}

export function toMarkdown(view: FilteredStatus, title = 'Four Eyes review status'): string {
  const out = [`# ${title}`, '', `## Findings (${view.findings.length})`, ''];
  if (view.findings.length) {
    out.push('| Severity | State | Category | AI origin | Location | Rule | Message | Approved by |', '|---|---|---|---|---|---|---|---|');
    for (const f of view.findings) {
      out.push(`| ${f.severity} | ${f.state} | ${md(f.category ?? '')} | ${md(f.aiOrigin ?? '')} | ${md(`${f.path}:${f.line}`)} | ${md(f.ruleId)} | ${md(f.message)} | ${md(f.approvedBy.join(', '))} |`);
    }
  }
  out.push('', `## Review records (${view.records.length})`, '');
  if (view.records.length) {
    out.push('| Kind | State | Reviewer | Author | Date | Note | Findings | Commit |', '|---|---|---|---|---|---|---|---|');
    for (const r of view.records) {
      const state = r.staleFingerprints?.length ? `${r.state}, stale` : r.state;
      out.push(`| ${r.kind ?? '?'} | ${state} | ${md(r.reviewer ?? '')} | ${md(r.author ?? '')} | ${md(r.createdAt ?? '')} | ${md(r.note ?? '')} | ${r.findings.length} | ${r.commit ? r.commit.id.slice(0, 12) : ''} |`);
    }
  }
  out.push('', `## Commits that bypassed the hook (${view.bypassed.length})`, '');
  for (const b of view.bypassed) out.push(`- ${b.commit.slice(0, 12)} ${md(b.subject)} by ${md(b.author)} on ${b.date}: ${b.findings} unapproved finding(s)`);
  return out.join('\n') + '\n';
}

function csvCell(v: string | number | undefined): string {
  let s = v === undefined ? '' : String(v);
  // A leading =, +, -, @ would run as a formula in a spreadsheet.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(findings: StatusFinding[]): string {
  const head = ['severity', 'state', 'category', 'aiOrigin', 'source', 'path', 'line', 'ruleId', 'message', 'approvedBy', 'since', 'fingerprint'];
  const rows = findings.map((f) => [f.severity, f.state, f.category, f.aiOrigin, f.source, f.path, f.line, f.ruleId, f.message, f.approvedBy.join(' '), f.since, f.fingerprint].map(csvCell).join(','));
  return [head.join(','), ...rows].join('\r\n') + '\r\n';
}

export function toFindings(findings: StatusFinding[]): Finding[] {
  return findings.map((f) => ({
    ruleId: f.ruleId,
    category: (f.category ?? 'endpoint') as Category,
    severity: f.severity as Severity,
    message: `${f.message} [review: ${f.state}]`,
    path: f.path,
    range: { startLine: f.line, startColumn: f.column ?? 1, endLine: f.endLine ?? f.line, endColumn: 1 },
    fingerprint: f.fingerprint,
    ...(f.aiOrigin ? { aiOrigin: f.aiOrigin as Finding['aiOrigin'] } : {}),
  }));
}

export function toStatusSarif(findings: StatusFinding[], toolVersion: string): string {
  return toSarif(toFindings(findings), [], allRules(), { toolVersion });
}
