// HTML for the review-status webview, as strings. Pure (no DOM, no 'vscode'), so it is tested in
// plain Node. Every value that comes from a repository goes through `esc`: paths, snippets,
// messages, notes, names, subjects. Numbers and our own constants are the only unescaped text.
import type { BypassedCommit, StatusFinding, StatusHistory, StatusRecord, StatusReport } from '../../core/review/report';
import { isAiOrigin } from '../../core/status-summary';

export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export const STATE_LABEL: Record<string, string> = {
  required: 'Needs review',
  stale: 'Stale approval',
  expired: 'Approval expired',
  'break-glass': 'Break-glass',
  approved: 'Approved',
  'not-required': 'Below threshold',
};

const STATE_ORDER = ['required', 'stale', 'expired', 'break-glass', 'approved', 'not-required'];
const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'];
const SEVERITY_ICON: Record<string, string> = { critical: 'error', high: 'error', medium: 'warning', low: 'info' };
const STATE_ICON: Record<string, string> = {
  required: 'circle-large-outline',
  stale: 'history',
  expired: 'watch',
  'break-glass': 'flame',
  approved: 'pass',
  'not-required': 'dash',
};

function rank(order: string[], v: string): number {
  const i = order.indexOf(v);
  return i < 0 ? order.length : i;
}

/** Needs-review first, then by severity, path and line. Paths compare by code unit: localeCompare costs tens of ms on 2,000 rows. */
export function sortFindings(findings: StatusFinding[]): StatusFinding[] {
  const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...findings].sort(
    (a, b) => rank(STATE_ORDER, a.state) - rank(STATE_ORDER, b.state) || rank(SEVERITY_ORDER, a.severity) - rank(SEVERITY_ORDER, b.severity) || byPath(a.path, b.path) || a.line - b.line,
  );
}

export function formatAge(since: string | undefined, now: Date): string {
  if (!since) return '';
  const ms = now.getTime() - Date.parse(since);
  if (Number.isNaN(ms)) return '';
  const min = Math.max(0, Math.floor(ms / 60_000));
  if (min < 60) return `${min}m`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  return d < 60 ? `${d}d` : `${Math.floor(d / 7)}w`;
}

function icon(name: string): string {
  return `<span class="codicon codicon-${name}" aria-hidden="true"></span>`;
}

function count(n: number, label: string, cls: string, state?: string): string {
  const attr = state ? ` data-filter-state="${esc(state)}" role="button" tabindex="0"` : '';
  return `<span class="chip ${cls}"${attr}><span class="n">${n}</span> ${esc(label)}</span>`;
}

export function renderSummary(report: StatusReport): string {
  const s = report.summary;
  if (!s) return '';
  const by = (k: string) => s.byState[k] ?? 0;
  const states = [
    count(by('required'), 'need review', 'st-required', 'required'),
    count(by('stale'), 'stale', 'st-stale', 'stale'),
    count(by('expired'), 'expired', 'st-expired', 'expired'),
    count(by('approved'), 'approved', 'st-approved', 'approved'),
    count(by('break-glass'), 'break-glass', 'st-break-glass', 'break-glass'),
    count(s.bypassed, 'bypassed the hook', 'st-bypassed'),
  ].join('');
  const sev = SEVERITY_ORDER.map((k) => `<span class="sev-count sev-${k}">${icon(SEVERITY_ICON[k])}<span class="n">${s.bySeverity[k] ?? 0}</span> ${k}</span>`).join('');
  const pct = s.risky ? Math.round((100 * s.riskyAiOrigin) / s.risky) : 0;
  const ai = `<div class="ai-share" title="Findings that need review and came from an AI suggestion, chat edit or agent">${icon('sparkle')} <span class="n">${s.riskyAiOrigin}</span> of <span class="n">${s.risky}</span> risky changes AI-origin (${pct}%)<svg class="bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true"><rect class="track" width="100" height="6"></rect><rect class="fill" width="${pct}" height="6"></rect></svg></div>`;
  return `<div class="counts" role="group" aria-label="Findings by state">${states}</div><div class="severities" aria-label="Findings by severity">${sev}</div>${ai}`;
}

/** Stacked bars, one per bucket, drawn in plain SVG; colours come from the theme via CSS classes. */
export function renderChart(h: StatusHistory | undefined): string {
  if (!h || !h.buckets.length) return '';
  const W = 600;
  const H = 90;
  const pad = 14;
  const max = Math.max(1, ...h.buckets.map((b) => b.total));
  const bw = W / h.buckets.length;
  const bars = h.buckets
    .map((b, i) => {
      let y = H - pad;
      const segs = h.categories
        .filter((c) => b.byCategory[c])
        .map((c) => {
          const hh = ((H - pad - 4) * b.byCategory[c]) / max;
          y -= hh;
          return `<rect class="cat-${esc(c)}" x="${(i * bw + 2).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, bw - 4).toFixed(1)}" height="${hh.toFixed(1)}"><title>${esc(b.label)}: ${b.byCategory[c]} ${esc(c)}</title></rect>`;
        })
        .join('');
      const base = `<rect class="slot" x="${(i * bw + 2).toFixed(1)}" y="0" width="${Math.max(1, bw - 4).toFixed(1)}" height="${H - pad}"><title>${esc(b.label)}: ${b.total} finding(s), ${b.aiOrigin} AI-origin</title></rect>`;
      return base + segs;
    })
    .join('');
  const first = esc(h.buckets[0].label);
  const last = esc(h.buckets[h.buckets.length - 1].label);
  const axis = `<text class="axis" x="2" y="${H - 2}">${first}</text><text class="axis" x="${W - 2}" y="${H - 2}" text-anchor="end">${last}</text>`;
  const legend = h.categories.map((c) => `<span class="legend"><span class="swatch cat-${esc(c)}"></span>${esc(c)}</span>`).join('');
  const title = `Findings by category, last ${h.buckets.length} ${h.by === 'week' ? 'weeks' : 'commits'} (${h.commitsScanned} commits scanned)`;
  return `<figure class="chart"><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="img" aria-label="${esc(title)}">${bars}${axis}</svg><div class="legends">${legend || '<span class="legend muted">no findings in this period</span>'}</div></figure>`;
}

export interface RowOptions {
  now: Date;
  canApprove: boolean;
  expanded: Set<string>;
}

function snippetBlock(label: string, text: string | undefined, cls: string): string {
  if (text === undefined) return '';
  return `<div class="snippet ${cls}"><div class="snippet-label">${esc(label)}</div><pre><code>${esc(text)}</code></pre></div>`;
}

export function renderFindingRow(f: StatusFinding, opts: RowOptions): string {
  const open = opts.expanded.has(f.fingerprint);
  const ai = isAiOrigin(f.aiOrigin) ? `<span class="ai-badge" title="AI origin: ${esc(f.aiOrigin)}">${icon('sparkle')}${esc(f.aiOrigin)}</span>` : f.aiOrigin && f.aiOrigin !== 'unknown' ? `<span class="muted">${esc(f.aiOrigin)}</span>` : '';
  const needs = f.state === 'required' || f.state === 'stale' || f.state === 'expired';
  const actions = [
    needs ? `<button class="icon-btn" data-action="requestReview" title="Request review (copies a request token)" aria-label="Request review">${icon('comment-discussion')}</button>` : '',
    needs && opts.canApprove && f.source === 'index' ? `<button class="icon-btn" data-action="approve" title="Approve (sign with your key)" aria-label="Approve">${icon('check')}</button>` : '',
  ].join('');
  const who = f.approvedBy.length ? `<div class="muted small">by ${esc(f.approvedBy.join(', '))}</div>` : '';
  const row =
    `<tr class="finding sev-${esc(f.severity)} st-${esc(f.state)}" data-fp="${esc(f.fingerprint)}" tabindex="-1" aria-expanded="${open}">` +
    `<td class="c-sev"><span class="sev sev-${esc(f.severity)}">${icon(SEVERITY_ICON[f.severity] ?? 'circle-outline')}${esc(f.severity)}</span></td>` +
    `<td class="c-state"><span class="state st-${esc(f.state)}">${icon(STATE_ICON[f.state] ?? 'circle-outline')}${esc(STATE_LABEL[f.state] ?? f.state)}</span>${who}</td>` +
    `<td class="c-cat">${esc(f.category ?? '')}</td>` +
    `<td class="c-ai">${ai}</td>` +
    `<td class="c-loc"><a href="#" class="loc" data-action="open" title="${esc(f.path)}:${f.line}">${esc(f.path)}:${f.line}</a><div class="muted small">${esc(f.source ?? '')}</div></td>` +
    `<td class="c-age" title="${esc(f.since ?? '')}">${esc(formatAge(f.since, opts.now))}</td>` +
    `<td class="c-msg"><button class="twisty" data-action="toggle" aria-label="Show before and after">${icon(open ? 'chevron-down' : 'chevron-right')}</button><span class="msg">${esc(f.message)}</span><div class="muted small">${esc(f.ruleId)}</div></td>` +
    `<td class="c-act">${actions}</td></tr>`;
  if (!open) return row;
  const problems = f.problems.length ? `<ul class="problems">${f.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>` : '';
  return row + `<tr class="detail" data-detail-for="${esc(f.fingerprint)}"><td colspan="8">${snippetBlock('Before', f.before, 'before')}${snippetBlock('After', f.after, 'after')}${problems}</td></tr>`;
}

export function renderFindingRows(findings: StatusFinding[], opts: RowOptions): string {
  if (!findings.length) return `<tr class="empty"><td colspan="8">No findings match.</td></tr>`;
  return findings.map((f) => renderFindingRow(f, opts)).join('');
}

/** The last row while more findings are left to show: they are added as it scrolls into view. */
export function renderMoreRow(shown: number, total: number): string {
  return `<tr class="more"><td colspan="8" class="muted">Showing ${shown} of ${total} findings; scroll or press End for more.</td></tr>`;
}

function shortDate(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : '';
}

export function renderRecordRow(r: StatusRecord): string {
  const stale = r.staleFingerprints?.length ? `<span class="state st-stale">${icon('history')}stale (${r.staleFingerprints.length})</span>` : '';
  const stateCls = r.state === 'valid' ? 'st-approved' : r.state === 'expired' ? 'st-expired' : r.state === 'break-glass' ? 'st-break-glass' : 'st-required';
  const covered = r.findings.map((f) => `<li><span class="mono">${esc(f.path)}</span> <span class="muted">${esc(f.ruleId)}</span></li>`).join('');
  const problems = r.problems.length ? `<div class="problems small">${esc(r.problems.join('; '))}</div>` : '';
  const token = r.kind === 'approval' ? `<button class="icon-btn" data-action="copyToken" title="Copy approval token" aria-label="Copy approval token">${icon('copy')}</button>` : '';
  return (
    `<tr class="record" data-path="${esc(r.path)}" tabindex="-1">` +
    `<td><span class="state ${stateCls}">${esc(r.state)}</span>${stale}</td>` +
    `<td>${esc(r.reviewer ?? '')}</td><td>${esc(r.author ?? '')}</td>` +
    `<td title="${esc(r.createdAt ?? '')}">${esc(shortDate(r.createdAt))}${r.expiresAt ? `<div class="muted small">expires ${esc(shortDate(r.expiresAt))}</div>` : ''}</td>` +
    `<td class="note">${esc(r.note ?? '')}${problems}</td>` +
    `<td><ul class="covered">${covered}</ul></td>` +
    `<td class="mono">${r.commit ? esc(r.commit.id.slice(0, 10)) : '<span class="muted">uncommitted</span>'}</td>` +
    `<td class="c-act">${token}</td></tr>`
  );
}

export function renderRecordRows(records: StatusRecord[]): string {
  const list = records.filter((r) => r.kind !== 'break-glass');
  if (!list.length) return `<tr class="empty"><td colspan="8">No approvals match.</td></tr>`;
  return list.map(renderRecordRow).join('');
}

export function renderExceptionRows(records: StatusRecord[], bypassed: BypassedCommit[]): string {
  const glass = records
    .filter((r) => r.kind === 'break-glass')
    .map(
      (r) =>
        `<tr class="exception" tabindex="-1"><td><span class="state st-break-glass">${icon('flame')}break-glass</span></td><td>${esc(r.author ?? '')}</td><td title="${esc(r.createdAt ?? '')}">${esc(shortDate(r.createdAt))}</td><td class="note">${esc(r.note ?? '')}</td><td>${r.findings.map((f) => `<div class="mono">${esc(f.path)}</div>`).join('')}</td><td class="mono">${r.commit ? esc(r.commit.id.slice(0, 10)) : ''}</td></tr>`,
    );
  const commits = bypassed.map(
    (b) =>
      `<tr class="exception bypass" tabindex="-1"><td><span class="state st-required">${icon('debug-step-over')}bypassed hook</span></td><td>${esc(b.author)}</td><td title="${esc(b.date)}">${esc(shortDate(b.date))}</td><td class="note">${esc(b.subject)}${b.inBranch ? ' <span class="muted">(this branch)</span>' : ''}</td><td>${b.findings} unapproved finding(s)${b.errors ? `, ${b.errors} error(s)` : ''}</td><td class="mono">${esc(b.commit.slice(0, 10))}</td></tr>`,
  );
  const rows = [...glass, ...commits];
  return rows.length ? rows.join('') : `<tr class="empty"><td colspan="6">No exceptions.</td></tr>`;
}

export function renderErrors(report: StatusReport): string {
  const items = [...report.errors.map((e) => `<li class="error">${icon('error')} ${esc(e)}</li>`), ...report.info.map((i) => `<li class="info">${icon('info')} ${esc(i)}</li>`)];
  return items.length ? `<ul class="messages">${items.join('')}</ul>` : '';
}
