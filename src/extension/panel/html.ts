// The webview's HTML shell: strict CSP with a nonce, local assets only, no inline handlers.
import { randomBytes } from 'node:crypto';

export interface ShellUris {
  cspSource: string;
  script: string;
  css: string;
  codicons: string;
}

export function nonce(): string {
  return randomBytes(16).toString('base64');
}

const opt = (values: string[], any: string) => [`<option value="">${any}</option>`, ...values.map((v) => `<option value="${v}">${v}</option>`)].join('');

export function panelHtml(u: ShellUris, n = nonce()): string {
  const csp = [`default-src 'none'`, `img-src ${u.cspSource} data:`, `style-src ${u.cspSource}`, `font-src ${u.cspSource}`, `script-src 'nonce-${n}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${u.codicons}">
<link rel="stylesheet" href="${u.css}">
<title>Four Eyes: Review Status</title>
</head>
<body class="loading">
<header class="top">
  <h1>Review status <span id="repo" class="muted"></span></h1>
  <div class="toolbar">
    <button class="btn" data-action="refresh" title="Refresh"><span class="codicon codicon-refresh" aria-hidden="true"></span>Refresh</button>
    <button class="btn" data-action="export" data-format="markdown" title="Export the current view as Markdown"><span class="codicon codicon-markdown" aria-hidden="true"></span>Markdown</button>
    <button class="btn" data-action="export" data-format="csv" title="Export the current findings as CSV"><span class="codicon codicon-table" aria-hidden="true"></span>CSV</button>
    <button class="btn" data-action="export" data-format="sarif" title="Export the current findings as SARIF"><span class="codicon codicon-json" aria-hidden="true"></span>SARIF</button>
  </div>
</header>
<div id="messages"></div>
<section class="summary-row"><div id="summary" class="summary"></div><div id="chart"></div></section>
<form class="filters" role="search" aria-label="Filters">
  <input id="search" type="search" data-filter="search" placeholder="Search ( / )" aria-label="Search">
  <select data-filter="severity" aria-label="Severity">${opt(['critical', 'high', 'medium', 'low'], 'Any severity')}</select>
  <select data-filter="category" aria-label="Category"><option value="">Any category</option></select>
  <select data-filter="state" aria-label="State">${opt(['required', 'stale', 'expired', 'approved', 'break-glass', 'not-required'], 'Any state')}</select>
  <select data-filter="ai" aria-label="AI origin"><option value="">Any origin</option><option value="ai">AI-origin</option><option value="not-ai">Not AI-origin</option></select>
  <input type="text" data-filter="path" placeholder="Path" aria-label="Path">
  <input type="text" data-filter="reviewer" placeholder="Reviewer" aria-label="Reviewer">
  <button class="btn secondary" type="button" data-action="clear">Clear</button>
</form>
<section aria-labelledby="h-findings">
  <h2 id="h-findings"><span class="codicon codicon-warning" aria-hidden="true"></span>Findings <span id="findings-count" class="badge"></span></h2>
  <table class="grid" id="findings" role="grid" aria-labelledby="h-findings">
    <thead><tr><th>Severity</th><th>State</th><th>Category</th><th>AI</th><th>Location</th><th>Age</th><th>Finding</th><th><span class="sr">Actions</span></th></tr></thead>
    <tbody id="findings-body"></tbody>
  </table>
</section>
<section aria-labelledby="h-records">
  <h2 id="h-records"><span class="codicon codicon-pass" aria-hidden="true"></span>Approvals <span id="records-count" class="badge"></span></h2>
  <table class="grid" id="records" aria-labelledby="h-records">
    <thead><tr><th>State</th><th>Reviewer</th><th>Author</th><th>Date</th><th>Note</th><th>Findings covered</th><th>Commit</th><th><span class="sr">Actions</span></th></tr></thead>
    <tbody id="records-body"></tbody>
  </table>
</section>
<section aria-labelledby="h-exceptions">
  <h2 id="h-exceptions"><span class="codicon codicon-flame" aria-hidden="true"></span>Exceptions <span id="exceptions-count" class="badge"></span></h2>
  <table class="grid" id="exceptions" aria-labelledby="h-exceptions">
    <thead><tr><th>Kind</th><th>Author</th><th>Date</th><th>Reason / subject</th><th>Findings</th><th>Commit</th></tr></thead>
    <tbody id="exceptions-body"></tbody>
  </table>
</section>
<script nonce="${n}" src="${u.script}"></script>
</body>
</html>`;
}
