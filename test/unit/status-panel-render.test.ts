import assert from 'node:assert/strict';
import type { StatusFinding, StatusRecord, StatusReport } from '../../src/core/review/report';
import { toCsv, toMarkdown } from '../../src/core/status-export';
import { EMPTY_FILTER, filterStatus } from '../../src/core/status-filter';
import { panelHtml } from '../../src/extension/panel/html';
import { parseFromPanel } from '../../src/extension/panel/messages';
import { esc, formatAge, renderChart, renderExceptionRows, renderFindingRows, renderMoreRow, renderRecordRows, renderSummary, sortFindings } from '../../src/extension/panel/render';

const XSS = '<img src=x onerror=alert(1)>';
const NOW = new Date('2026-03-01T12:00:00Z');

function f(over: Partial<StatusFinding> = {}): StatusFinding {
  return { ruleId: 'iam/x', severity: 'high', path: 'a.tf', line: 3, message: 'Grant widened from 2 to 412 actions.', fingerprint: 'a'.repeat(64), state: 'required', required: 1, approvedBy: [], problems: [], category: 'iam', source: 'index', ...over };
}

function rec(over: Partial<StatusRecord> = {}): StatusRecord {
  return { path: '.foureyes/approvals/x.json', kind: 'approval', state: 'valid', reviewer: 'alice@x', author: 'dev@x', createdAt: '2026-02-01T00:00:00.000Z', note: 'ok', findings: [{ fingerprint: 'b'.repeat(64), ruleId: 'iam/x', path: 'a.tf', summary: 's' }], problems: [], ...over };
}

/** No tag survives from repository text: every `<` in the output belongs to our own markup. */
function assertNoInjectedTags(html: string): void {
  assert.ok(!/<img|<script|<b |<i>/i.test(html), `raw markup leaked: ${html.slice(0, 300)}`);
}

describe('review-status panel rendering', () => {
  it('escapes snippets, paths, messages and problems as text', () => {
    const html = renderFindingRows([f({ after: XSS, before: `"'&`, path: `x/<b onmouseover=alert(2)>.json`, message: XSS, problems: [XSS], fingerprint: `"><script>` })], { now: NOW, canApprove: true, expanded: new Set([`"><script>`]) });
    assertNoInjectedTags(html);
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(html.includes('&quot;&#39;&amp;'));
    assert.ok(html.includes('data-fp="&quot;&gt;&lt;script&gt;"'));
  });

  it('escapes notes, reviewer names, subjects and chart labels', () => {
    const r = rec({ note: '<script>alert(3)</script>', reviewer: '<i>eve</i>', findings: [{ fingerprint: 'c', ruleId: XSS, path: XSS, summary: '' }] });
    assertNoInjectedTags(renderRecordRows([r]));
    assertNoInjectedTags(renderExceptionRows([rec({ kind: 'break-glass', note: '<i>now</i>' })], [{ commit: 'c'.repeat(40), subject: XSS, author: XSS, date: '2026-01-01T00:00:00Z', findings: 1, errors: 0, fingerprints: [], inBranch: true }]));
    const chart = renderChart({ by: 'week', commitsScanned: 3, categories: ['iam', XSS], buckets: [{ label: XSS, start: '', end: '', byCategory: { iam: 2, [XSS]: 1 }, total: 3, aiOrigin: 1 }] });
    assertNoInjectedTags(chart);
    assert.match(chart, /<svg [^>]*viewBox/);
    assert.match(chart, /class="cat-iam"/);
  });

  it('shows the expanded before/after only for expanded rows, and the approve action only where it can work', () => {
    const one = f({ before: 'old', after: 'new' });
    assert.ok(!renderFindingRows([one], { now: NOW, canApprove: true, expanded: new Set() }).includes('class="detail"'));
    const open = renderFindingRows([one], { now: NOW, canApprove: true, expanded: new Set([one.fingerprint]) });
    assert.match(open, /Before[\s\S]*old[\s\S]*After[\s\S]*new/);
    assert.match(open, /data-action="approve"/);
    assert.doesNotMatch(renderFindingRows([one], { now: NOW, canApprove: false, expanded: new Set() }), /data-action="approve"/);
    assert.doesNotMatch(renderFindingRows([f({ source: 'branch' })], { now: NOW, canApprove: true, expanded: new Set() }), /data-action="approve"/);
    assert.doesNotMatch(renderFindingRows([f({ state: 'approved' })], { now: NOW, canApprove: true, expanded: new Set() }), /requestReview/);
  });

  it('sorts needs-review first, then by severity; formats ages', () => {
    const s = sortFindings([f({ state: 'approved', severity: 'critical', path: 'z' }), f({ severity: 'low', path: 'b' }), f({ severity: 'critical', path: 'c' })]);
    assert.deepEqual(s.map((x) => x.path), ['c', 'b', 'z']);
    assert.equal(formatAge('2026-03-01T11:30:00Z', NOW), '30m');
    assert.equal(formatAge('2026-02-28T12:00:00Z', NOW), '24h');
    assert.equal(formatAge('2026-02-20T12:00:00Z', NOW), '9d');
    assert.equal(formatAge(undefined, NOW), '');
  });

  it('sorts paths by code unit (stable across locales) and says how many rows are still to come', () => {
    const s = sortFindings([f({ path: 'b/x.tf' }), f({ path: 'B/x.tf' }), f({ path: 'a/x.tf', line: 9 }), f({ path: 'a/x.tf', line: 2 })]);
    assert.deepEqual(s.map((x) => `${x.path}:${x.line}`), ['B/x.tf:3', 'a/x.tf:2', 'a/x.tf:9', 'b/x.tf:3']);
    assert.equal(renderMoreRow(50, 2000), '<tr class="more"><td colspan="8" class="muted">Showing 50 of 2000 findings; scroll or press End for more.</td></tr>');
  });

  it('summarises counts and the AI-origin share', () => {
    const report = { summary: { byState: { required: 2, approved: 1 }, bySeverity: { high: 3 }, risky: 3, riskyAiOrigin: 1, records: { valid: 1, expired: 0, invalid: 0, breakGlass: 0, stale: 0 }, bypassed: 1 } } as unknown as StatusReport;
    const html = renderSummary(report);
    assert.match(html, /<span class="n">2<\/span> need review/);
    assert.match(html, /<span class="n">1<\/span> of <span class="n">3<\/span> risky changes AI-origin \(33%\)/);
    assert.doesNotMatch(html, /style=/, 'no inline styles (the CSP forbids them)');
  });

  it('filters by severity, category, state, AI origin, path glob, reviewer and search words', () => {
    const report = {
      findings: [f({ path: 'infra/prod/iam.tf', aiOrigin: 'agent-write' }), f({ path: 'app/cfg.json', severity: 'low', category: 'drift', state: 'approved', approvedBy: ['alice@x'] }), f({ path: 'x.yaml', message: 'Production host api.prod.example.com' })],
      records: [rec(), rec({ reviewer: 'bob@x' })],
      bypassed: [],
    } as unknown as StatusReport;
    const paths = (over: Partial<typeof EMPTY_FILTER>) => filterStatus(report, { ...EMPTY_FILTER, ...over }).findings.map((x) => x.path);
    assert.deepEqual(paths({ severity: 'low' }), ['app/cfg.json']);
    assert.deepEqual(paths({ category: 'drift' }), ['app/cfg.json']);
    assert.deepEqual(paths({ state: 'required' }), ['infra/prod/iam.tf', 'x.yaml']);
    assert.deepEqual(paths({ ai: 'ai' }), ['infra/prod/iam.tf']);
    assert.equal(paths({ ai: 'not-ai' }).length, 2);
    assert.deepEqual(paths({ path: 'infra/*/iam' }), ['infra/prod/iam.tf']);
    assert.deepEqual(paths({ reviewer: 'ALICE' }), ['app/cfg.json']);
    assert.deepEqual(paths({ search: 'prod.example HOST' }), ['x.yaml']);
    assert.deepEqual(filterStatus(report, { ...EMPTY_FILTER, reviewer: 'bob' }).records.map((r) => r.reviewer), ['bob@x']);
  });

  it('exports Markdown and CSV without letting cells break the table or run as formulas', () => {
    const view = { findings: [f({ message: 'a | b\nc', path: '=cmd|x' })], records: [rec({ note: XSS })], bypassed: [] };
    const md = toMarkdown(view);
    assert.match(md, /a \\\| b c/);
    assert.ok(md.includes('\\<img src=x onerror=alert(1)\\>'), 'angle brackets are escaped for Markdown renderers');
    const csv = toCsv(view.findings);
    assert.match(csv, /^severity,state,category/);
    assert.ok(csv.includes(`"'=cmd|x"`) || csv.includes(`'=cmd|x`));
    assert.ok(csv.includes('"a | b\nc"'));
  });

  it('builds the shell with a nonce CSP, local resources only and no inline handlers', () => {
    const html = panelHtml({ cspSource: 'vscode-resource:', script: 'vscode-resource:/p.js', css: 'vscode-resource:/p.css', codicons: 'vscode-resource:/c.css' }, 'NONCE1');
    assert.match(html, /default-src 'none'/);
    assert.match(html, /script-src 'nonce-NONCE1'/);
    assert.match(html, /<script nonce="NONCE1" src="vscode-resource:\/p.js">/);
    assert.doesNotMatch(html, /\son[a-z]+=/i);
    assert.doesNotMatch(html, /https?:\/\//);
  });

  it('accepts only well-formed messages from the webview', () => {
    assert.deepEqual(parseFromPanel({ type: 'open', path: 'a', line: 2 }), { type: 'open', path: 'a', line: 2, column: undefined });
    assert.equal(parseFromPanel({ type: 'open', path: 'a' }), undefined);
    assert.equal(parseFromPanel({ type: 'rm -rf' }), undefined);
    assert.equal(parseFromPanel(null), undefined);
    assert.equal(parseFromPanel({ type: 'export', format: 'exe', filter: {} }), undefined);
    assert.deepEqual(parseFromPanel({ type: 'refresh' }), { type: 'refresh' });
  });

  it('escapes every character that matters in HTML text and attributes', () => {
    assert.equal(esc(`<>&"'`), '&lt;&gt;&amp;&quot;&#39;');
    assert.equal(esc(undefined), '');
  });
});
