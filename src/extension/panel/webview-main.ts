/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The review-status webview's script (bundled for the browser into dist/media/panel.js). It renders
// with the pure functions in render.ts, keeps filters/selection in the webview state, and talks to
// the extension only through the messages in messages.ts. No inline handlers: one delegated
// listener per event type.
import type { StatusFinding, StatusReport } from '../../core/review/report';
import { EMPTY_FILTER, filterStatus, type StatusFilter } from '../../core/status-filter';
import type { FromPanel, PanelState, ToPanel } from './messages';
import { renderChart, renderErrors, renderExceptionRows, renderFindingRow, renderFindingRows, renderMoreRow, renderRecordRows, renderSummary, sortFindings } from './render';

declare function acquireVsCodeApi(): { postMessage(m: FromPanel): void; getState(): PanelState | undefined; setState(s: PanelState): void };

const vscode = acquireVsCodeApi();
const saved = vscode.getState();
const state: PanelState = { filter: { ...EMPTY_FILTER, ...(saved?.filter ?? {}) }, expanded: saved?.expanded ?? [], selected: saved?.selected, scrollTop: saved?.scrollTop };
let data: { report: StatusReport; now: Date; canApprove: boolean } | undefined;
/**
 * The filtered, sorted findings, and how many of them have rows in the DOM. Rows are added a
 * page at a time as the list scrolls (or keyboard focus moves) towards the end: laying out
 * thousands of table rows at once takes seconds, a page takes milliseconds.
 */
let view: StatusFinding[] = [];
let shown = 0;
const PAGE = 50;

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

function rowOptions() {
  return { now: data!.now, canApprove: data!.canApprove, expanded: new Set(state.expanded) };
}

/** Makes sure the first `count` findings of the view have rows (never fewer than are there). */
function showRows(count: number): void {
  const body = $('findings-body');
  const want = Math.min(view.length, count);
  if (!data || want <= shown) return;
  const html = renderFindingRows(view.slice(shown, want), rowOptions());
  const more = body.querySelector('tr.more');
  if (more) more.insertAdjacentHTML('beforebegin', html);
  else body.insertAdjacentHTML('beforeend', html);
  shown = want;
  more?.remove();
  if (shown < view.length) body.insertAdjacentHTML('beforeend', renderMoreRow(shown, view.length));
  else moreObserver.disconnect();
  const next = body.querySelector('tr.more');
  if (next) {
    moreObserver.disconnect();
    moreObserver.observe(next);
  }
}

const moreObserver = new IntersectionObserver((entries) => {
  if (entries.some((e) => e.isIntersecting)) showRows(shown + PAGE);
});

/** Re-renders from the data; `keep` keeps as many rows as are shown now (a refresh, not a new filter). */
function render(keep = false): void {
  if (!data) return;
  const { report } = data;
  const filtered = filterStatus(report, state.filter);
  view = sortFindings(filtered.findings);
  const rows = keep ? Math.max(PAGE, shown) : PAGE;
  $('summary').innerHTML = renderSummary(report);
  $('chart').innerHTML = renderChart(report.history);
  $('messages').innerHTML = renderErrors(report);
  $('findings-count').textContent = `${view.length} of ${report.findings.length}`;
  shown = 0;
  moreObserver.disconnect();
  $('findings-body').innerHTML = view.length ? '' : renderFindingRows([], rowOptions());
  const sel = state.selected ? view.findIndex((f) => f.fingerprint === state.selected) : -1;
  showRows(Math.max(rows, sel + 1));
  const approvals = filtered.records.filter((r) => r.kind !== 'break-glass');
  $('records-count').textContent = `${approvals.length}`;
  $('records-body').innerHTML = renderRecordRows(filtered.records);
  const glass = filtered.records.length - approvals.length;
  $('exceptions-count').textContent = `${glass + filtered.bypassed.length}`;
  $('exceptions-body').innerHTML = renderExceptionRows(filtered.records, filtered.bypassed);
  const category = document.querySelector<HTMLSelectElement>('[data-filter="category"]');
  if (category) {
    const known = new Set(['', ...report.findings.map((f) => f.category ?? '')]);
    for (const c of known) {
      if (c && ![...category.options].some((o) => o.value === c)) category.add(new Option(c, c));
    }
  }
  syncControls();
  document.body.classList.remove('loading');
  const selRow = state.selected && document.querySelector<HTMLElement>(`tr.finding[data-fp="${CSS.escape(state.selected)}"]`);
  if (selRow) selRow.tabIndex = 0;
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
  const f = fp ? view.find((x) => x.fingerprint === fp) : undefined;
  if (!fp || !f) return;
  state.expanded = state.expanded.includes(fp) ? state.expanded.filter((x) => x !== fp) : [...state.expanded, fp];
  state.selected = fp;
  save();
  // Only this row (and its detail row) changes: the rest of the table stays as it is.
  const detail = row.nextElementSibling;
  if (detail?.matches('tr.detail')) detail.remove();
  row.insertAdjacentHTML('afterend', renderFindingRow(f, rowOptions()));
  row.remove();
  const fresh = document.querySelector<HTMLElement>(`tr.finding[data-fp="${CSS.escape(fp)}"]`);
  if (fresh) {
    document.querySelectorAll<HTMLElement>('tr.finding[tabindex="0"]').forEach((r) => (r.tabIndex = -1));
    fresh.tabIndex = 0;
    fresh.focus();
  }
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
  const kind = from.classList.contains('finding') ? 'finding' : from.classList.contains('record') ? 'record' : 'exception';
  const query = () => [...document.querySelectorAll<HTMLElement>(`tbody > tr.${kind}`)];
  let rows = query();
  const i = rows.indexOf(from);
  if (kind === 'finding') {
    // Moving past the last row shown: add the rows up to the target first.
    const target = delta === Infinity ? view.length - 1 : i + delta;
    if (target >= shown && shown < view.length) {
      showRows(delta === Infinity ? view.length : Math.max(target + 1, shown + PAGE));
      rows = query();
    }
  }
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
    render(!first);
    if (first && state.scrollTop) {
      // Rows enough to reach the saved position, then the position.
      while (shown < view.length && scroller.scrollHeight < state.scrollTop + window.innerHeight) showRows(shown + PAGE);
      scroller.scrollTop = state.scrollTop;
    }
    document.body.dataset.rendered = String(Date.now());
  }
});

syncControls();
post({ type: 'ready' });
