// A page that runs the review-status webview's own script outside VS Code: the panel's HTML shell
// (panelHtml, with its CSP), dist/media/panel.js, media/panel.css and the codicons served from a
// loopback HTTP server, with `acquireVsCodeApi` stubbed. Used by the panel bench and by the
// 2,000-row checks of scripts/panel-ui-test.mjs (scrolling, keyboard navigation, filters).
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { StatusFinding, StatusReport } from '../../src/core/review/report';
import { summarize as summarizeStatus } from '../../src/core/status-summary';
import { panelHtml } from '../../src/extension/panel/html';

const SEVERITIES = ['critical', 'high', 'medium', 'low'];
const STATES: StatusFinding['state'][] = ['required', 'required', 'stale', 'approved', 'not-required', 'expired'];
const CATEGORIES = ['iam', 'exposure', 'drift', 'endpoint', 'agent', 'ci'];
const ORIGINS = [undefined, 'inline-completion', 'chat-edit', 'agent-write'];

/** A status report with `n` findings spread over states, severities, categories and origins. */
export function bigReport(n: number): StatusReport {
  const findings: StatusFinding[] = Array.from({ length: n }, (_, i) => ({
    ruleId: `iam/rule-${i % 17}`,
    severity: SEVERITIES[i % 4],
    path: `services/svc-${i % 97}/infra/policy-${i}.json`,
    line: 1 + (i % 300),
    message: `Action grant widened from ${2 + (i % 9)} to ${40 + i} actions on arn:aws:s3:::bucket-${i}/* (statement S${i}).`,
    fingerprint: i.toString(16).padStart(64, '0'),
    aiOrigin: ORIGINS[i % 4],
    state: STATES[i % STATES.length],
    required: 1,
    approvedBy: i % 6 === 3 ? ['alice@example.com'] : [],
    problems: [],
    category: CATEGORIES[i % 6],
    source: i % 3 === 0 ? 'index' : i % 3 === 1 ? 'working-tree' : 'branch',
    since: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
    before: `"Action": ["s3:GetObject", "s3:PutObject"]`,
    after: `"Action": "s3:*"`,
  }));
  return { version: 1, blocked: true, errors: [], info: [], findings, records: [], bypassed: [], summary: summarizeStatus(findings, [], []) };
}

export interface Page {
  goto(url: string): Promise<unknown>;
  waitForFunction(fn: string): Promise<unknown>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  close(): Promise<void>;
}
export interface Browser {
  newPage(opts: { viewport: { width: number; height: number } }): Promise<Page & { addInitScript(script: string): Promise<void> }>;
  close(): Promise<void>;
}

export function loadChromium(root: string): { launch(o: object): Promise<Browser> } | string {
  const csDir = process.env.FOUREYES_CODE_SERVER_DIR ?? path.join(root, '.vscode-test/code-server');
  if (!existsSync(path.join(csDir, 'package.json'))) return `no playwright-core (run npm run test:panel once, or set FOUREYES_CODE_SERVER_DIR)`;
  const exe = process.env.FOUREYES_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(exe)) return `no Chromium at ${exe} (set FOUREYES_CHROMIUM)`;
  return (createRequire(path.join(csDir, 'package.json'))('playwright-core') as { chromium: { launch(o: object): Promise<Browser> } }).chromium;
}

export function servePanel(root: string): Promise<Server> {
  const files: Record<string, [string, string]> = {
    '/panel.js': [path.join(root, 'dist/media/panel.js'), 'text/javascript'],
    '/panel.css': [path.join(root, 'media/panel.css'), 'text/css'],
    '/codicon.css': [path.join(root, 'dist/media/codicons/codicon.css'), 'text/css'],
    '/codicon.ttf': [path.join(root, 'dist/media/codicons/codicon.ttf'), 'font/ttf'],
  };
  const server = createServer((req, res) => {
    const origin = `http://${req.headers.host}`;
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(panelHtml({ cspSource: origin, script: `${origin}/panel.js`, css: `${origin}/panel.css`, codicons: `${origin}/codicon.css` }));
      return;
    }
    const f = files[req.url ?? ''];
    if (!f) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': f[1] });
    res.end(readFileSync(f[0]));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// Stands in for the webview API: state kept in the page, `ready` noted for the bench.
export const WEBVIEW_STUB = `window.acquireVsCodeApi = () => { let s; return { postMessage: (m) => { if (m.type === 'ready') window.__ready = true; }, getState: () => s, setState: (x) => { s = x; } }; };`;

