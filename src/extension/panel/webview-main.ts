/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The review-status webview's script (bundled for the browser into dist/media/panel.js). It renders
// with the pure functions in render.ts, keeps filters/selection in the webview state, and talks to
// the extension only through the messages in messages.ts. No inline handlers: one delegated
// listener per event type.
import type { StatusReport } from '../../core/review/report';
import { EMPTY_FILTER, filterStatus, type StatusFilter } from '../../core/status-filter';
import type { FromPanel, PanelState, ToPanel } from './messages';
import { renderChart, renderErrors, renderExceptionRows, renderFindingRows, renderRecordRows, renderSummary, sortFindings } from './render';

declare function acquireVsCodeApi(): { postMessage(m: FromPanel): void; getState(): PanelState | undefined; setState(s: PanelState): void };

const vscode = acquireVsCodeApi();
const saved = vscode.getState();
const state: PanelState = { filter: { ...EMPTY_FILTER, ...(saved?.filter ?? {}) }, expanded: saved?.expanded ?? [], selected: saved?.selected, scrollTop: saved?.scrollTop };
let data: { report: StatusReport; now: Date; canApprove: boolean } | undefined;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const post = (m: FromPanel) => vscode.postMessage(m);
const save = () => vscode.setState(state);

const FILTER_FIELDS: Array<keyof StatusFilter> = ['severity', 'category', 'state', 'ai', 'path', 'reviewer', 'search'];

function syncControls(): void {
  for (const k of FILTER_FIELDS) {
    const el = document.querySelector<HTMLInputElement | HTMLSelectElement>(`[data-filter="${k}"]`);
    if (el && el.value !== state.filter[k]) el.value = state.filter[k];
  }
}

function render(): void {
  if (!data) return;
  const { report } = data;
  const view = filterStatus(report, state.filter);
  const findings = sortFindings(view.findings);
  $('summary').innerHTML = renderSummary(report);
  $('chart').innerHTML = renderChart(report.history);
  $('messages').innerHTML = renderErrors(report);
  $('findings-count').textContent = `${findings.length} of ${report.findings.length}`;
  $('findings-body').innerHTML = renderFindingRows(findings, { now: data.now, canApprove: data.canApprove, expanded: new Set(state.expanded) });
  const approvals = view.records.filter((r) => r.kind !== 'break-glass');
  $('records-count').textContent = `${approvals.length}`;
  $('records-body').innerHTML = renderRecordRows(view.records);
  const glass = view.records.length - approvals.length;
  $('exceptions-count').textContent = `${glass + view.bypassed.length}`;
  $('exceptions-body').innerHTML = renderExceptionRows(view.records, view.bypassed);
  const category = document.querySelector<HTMLSelectElement>('[data-filter="category"]');
  if (category) {
    const known = new Set(['', ...report.findings.map((f) => f.category ?? '')]);
    for (const c of known) {
      if (c && ![...category.options].some((o) => o.value === c)) category.add(new Option(c, c));
    }
  }
  syncControls();
  document.body.classList.remove('loading');
  const sel = state.selected && document.querySelector<HTMLElement>(`tr.finding[data-fp="${CSS.escape(state.selected)}"]`);
  if (sel) sel.tabIndex = 0;
  else document.querySelector<HTMLElement>('tr.finding')?.setAttribute('tabindex', '0');
}

function rowOf(el: EventTarget | null): HTMLElement | undefined {
  return (el as HTMLElement | null)?.closest?.<HTMLElement>('tr.finding, tr.record, tr.exception') ?? undefined;
}

function findingFor(row: HTMLElement) {
  return data?.report.findings.find((f) => f.fingerprint === row.dataset.fp);
}

function toggle(row: HTMLElement): void {
  const fp = row.dataset.fp;
  if (!fp) return;
  state.expanded = state.expanded.includes(fp) ? state.expanded.filter((x) => x !== fp) : [...state.expanded, fp];
  state.selected = fp;
  save();
  render();
  document.querySelector<HTMLElement>(`tr.finding[data-fp="${CSS.escape(fp)}"]`)?.focus();
}

function act(action: string, row: HTMLElement): void {
  if (row.classList.contains('record')) {
    if (action === 'copyToken' && row.dataset.path) post({ type: 'copyToken', recordPath: row.dataset.path });
    return;
  }
  const f = findingFor(row);
  if (!f) return;
  state.selected = f.fingerprint;
  save();
  if (action === 'open') post({ type: 'open', path: f.path, line: f.line, column: f.column });
  else if (action === 'toggle') toggle(row);
  else if (action === 'requestReview') post({ type: 'requestReview', fingerprint: f.fingerprint });
  else if (action === 'approve') post({ type: 'approve', fingerprint: f.fingerprint });
}

document.addEventListener('click', (e) => {
  const target = e.target as HTMLElement;
  const chip = target.closest<HTMLElement>('[data-filter-state]');
  if (chip) {
    state.filter.state = state.filter.state === chip.dataset.filterState ? '' : (chip.dataset.filterState ?? '');
    save();
    render();
    return;
  }
  const btn = target.closest<HTMLElement>('[data-action]');
  if (btn) {
    e.preventDefault();
    const action = btn.dataset.action!;
    if (action === 'refresh') return post({ type: 'refresh' });
    if (action === 'clear') {
      state.filter = { ...EMPTY_FILTER };
      save();
      return render();
    }
    if (action === 'export') return post({ type: 'export', format: btn.dataset.format as 'markdown' | 'csv' | 'sarif', filter: state.filter });
    const row = rowOf(btn);
    if (row) act(action, row);
    return;
  }
  const row = rowOf(target);
  if (row?.classList.contains('finding')) {
    document.querySelectorAll<HTMLElement>('tr.finding[tabindex="0"]').forEach((r) => (r.tabIndex = -1));
    row.tabIndex = 0;
    row.focus();
    state.selected = row.dataset.fp;
    save();
  }
});

document.addEventListener('input', (e) => {
  const el = e.target as HTMLInputElement;
  const k = el.dataset?.filter as keyof StatusFilter | undefined;
  if (!k) return;
  (state.filter as unknown as Record<string, string>)[k] = el.value;
  save();
  render();
});

function moveFocus(from: HTMLElement, delta: number): void {
  const rows = [...document.querySelectorAll<HTMLElement>(`tbody > tr.${from.classList.contains('finding') ? 'finding' : from.classList.contains('record') ? 'record' : 'exception'}`)];
  const i = rows.indexOf(from);
  const next = rows[Math.max(0, Math.min(rows.length - 1, delta === Infinity ? rows.length - 1 : delta === -Infinity ? 0 : i + delta))];
  if (!next) return;
  from.tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
  if (next.dataset.fp) {
    state.selected = next.dataset.fp;
    save();
  }
}

document.addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement;
  if (e.key === '/' && !/^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) {
    e.preventDefault();
    $('search').focus();
    return;
  }
  if (e.key === 'Escape' && target.id === 'search') {
    (target as HTMLInputElement).value = '';
    state.filter.search = '';
    save();
    render();
    return;
  }
  if (target.dataset?.filterState && (e.key === 'Enter' || e.key === ' ')) {
    e.preventDefault();
    target.click();
    return;
  }
  const row = target.matches?.('tr.finding, tr.record, tr.exception') ? target : undefined;
  if (!row) return;
  const keys: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10, Home: -Infinity, End: Infinity };
  if (e.key in keys) {
    e.preventDefault();
    moveFocus(row, keys[e.key]);
  } else if (e.key === 'Enter' && row.classList.contains('finding')) {
    e.preventDefault();
    act('open', row);
  } else if ((e.key === ' ' || e.key === 'ArrowRight' || e.key === 'ArrowLeft') && row.classList.contains('finding')) {
    e.preventDefault();
    const open = state.expanded.includes(row.dataset.fp ?? '');
    if (e.key === ' ' || (e.key === 'ArrowRight') !== open) toggle(row);
  }
});

const scroller = document.scrollingElement ?? document.documentElement;
let scrollTimer: number | undefined;
window.addEventListener('scroll', () => {
  clearTimeout(scrollTimer);
  scrollTimer = window.setTimeout(() => {
    state.scrollTop = scroller.scrollTop;
    save();
  }, 150);
});

window.addEventListener('message', (e: MessageEvent<ToPanel>) => {
  const m = e.data;
  if (m.type === 'loading') document.body.classList.add('loading');
  else if (m.type === 'error') {
    document.body.classList.remove('loading');
    $('messages').innerHTML = `<ul class="messages"><li class="error">${m.message.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}</li></ul>`;
  } else if (m.type === 'status') {
    const first = !data;
    data = { report: m.report, now: new Date(m.now), canApprove: m.canApprove };
    $('repo').textContent = m.repo;
    render();
    if (first && state.scrollTop) scroller.scrollTop = state.scrollTop;
    document.body.dataset.rendered = String(Date.now());
  }
});

syncControls();
post({ type: 'ready' });
