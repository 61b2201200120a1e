/// <reference lib="dom" />
// The review-status panel with 2,000 findings, in headless Chromium (test/e2e/panel-page.ts: the
// panel's own HTML shell, dist/media/panel.js and media/panel.css, `acquireVsCodeApi` stubbed),
// and a 2,000-finding `status` message posted as the extension posts it. Measured inside the page,
// from posting the message to the first frame painted after the rows are in the DOM; and the same
// for one search keystroke (filter and re-render). Not the VS Code webview itself (that needs a workbench per run): the same script,
// stylesheet and message, without the workbench's iframe around them.
import type { AddressInfo } from 'node:net';
import type { ToPanel } from '../src/extension/panel/messages';
import { bigReport, loadChromium, servePanel, WEBVIEW_STUB } from '../test/e2e/panel-page';
import { summarize, type BenchContext, type BenchRow } from './measure';

/** Resolves with the ms from `start()` to the first frame after the panel marked itself rendered. */
function timedRender(send: 'message' | 'search'): Promise<number> {
  return new Promise((resolve) => {
    const body = document.body;
    const prev = body.dataset.rendered;
    const t0 = performance.now();
    const painted = () => requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
    if (send === 'message') {
      const obs = new MutationObserver(() => {
        if (body.dataset.rendered && body.dataset.rendered !== prev) {
          obs.disconnect();
          painted();
        }
      });
      obs.observe(body, { attributes: true });
      window.postMessage((window as unknown as { __msg: unknown }).__msg, '*');
    } else {
      const input = document.getElementById('search') as HTMLInputElement;
      input.value = input.value ? '' : 'svc-4';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      painted();
    }
  });
}

export async function panelBench(ctx: BenchContext, findings = 2000): Promise<BenchRow[]> {
  const chromium = loadChromium(ctx.root);
  if (typeof chromium === 'string') {
    ctx.log(`panel: skipped: ${chromium}`);
    return [];
  }
  const server = await servePanel(ctx.root);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({ executablePath: process.env.FOUREYES_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
  const message: ToPanel = { type: 'status', report: bigReport(findings), now: new Date().toISOString(), canApprove: true, repo: 'bench' };
  const first: number[] = [];
  const search: number[] = [];
  let rows = 0;
  try {
    for (let k = 0; k < Math.max(ctx.runs, 5); k++) {
      const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
      await page.addInitScript(WEBVIEW_STUB);
      await page.goto(url);
      await page.waitForFunction('window.__ready === true');
      await page.evaluate((m) => void ((window as unknown as { __msg: unknown }).__msg = m), message);
      first.push(await page.evaluate(timedRender, 'message' as const));
      rows = await page.evaluate(() => document.querySelectorAll('#findings-body tr.finding').length, undefined);
      for (let j = 0; j < 4; j++) search.push(await page.evaluate(timedRender, 'search' as const));
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  const note = `${rows} of ${findings} rows in the DOM; Chromium, same panel.js`;
  return [
    { group: 'panel', name: `time to first render with ${findings.toLocaleString('en')} findings`, unit: 'ms', value: summarize(first), note },
    { group: 'panel', name: `search keystroke re-render with ${findings.toLocaleString('en')} findings`, unit: 'ms', value: summarize(search), note: 'filter + rows + paint' },
  ];
}
