// Every message between the review-status webview and the extension, in one place. No imports of
// 'vscode' or the DOM: both sides compile against this file.
import type { StatusReport } from '../../core/review/report';
import type { StatusFilter } from '../../core/status-filter';

export type ExportFormat = 'markdown' | 'csv' | 'sarif';

/** Extension -> webview. */
export type ToPanel =
  | { type: 'loading' }
  | { type: 'status'; report: StatusReport; now: string; canApprove: boolean; repo: string }
  | { type: 'error'; message: string };

/** Webview -> extension. */
export type FromPanel =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'open'; path: string; line: number; column?: number }
  | { type: 'requestReview'; fingerprint: string }
  | { type: 'approve'; fingerprint: string }
  | { type: 'copyToken'; recordPath: string }
  | { type: 'export'; format: ExportFormat; filter: StatusFilter };

/** What the webview keeps across hide/show and reloads (vscode.setState, and the serializer). */
export interface PanelState {
  filter: StatusFilter;
  /** Fingerprint of the focused finding row. */
  selected?: string;
  /** Fingerprints whose before/after is shown. */
  expanded: string[];
  scrollTop?: number;
}

export const PANEL_VIEW_TYPE = 'foureyes.reviewStatus';

const FROM_TYPES = new Set(['ready', 'refresh', 'open', 'requestReview', 'approve', 'copyToken', 'export']);

/** Messages arrive as untyped JSON: check the shape before acting on one. */
export function parseFromPanel(m: unknown): FromPanel | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const o = m as Record<string, unknown>;
  if (typeof o.type !== 'string' || !FROM_TYPES.has(o.type)) return undefined;
  switch (o.type) {
    case 'open':
      return typeof o.path === 'string' && typeof o.line === 'number' ? { type: 'open', path: o.path, line: o.line, column: typeof o.column === 'number' ? o.column : undefined } : undefined;
    case 'requestReview':
    case 'approve':
      return typeof o.fingerprint === 'string' ? { type: o.type, fingerprint: o.fingerprint } : undefined;
    case 'copyToken':
      return typeof o.recordPath === 'string' ? { type: 'copyToken', recordPath: o.recordPath } : undefined;
    case 'export':
      return (o.format === 'markdown' || o.format === 'csv' || o.format === 'sarif') && o.filter && typeof o.filter === 'object'
        ? { type: 'export', format: o.format, filter: o.filter as StatusFilter }
        : undefined;
    default:
      return { type: o.type as 'ready' | 'refresh' };
  }
}
