#!/usr/bin/env node
// The review-status panel in a real VS Code: code-server (scripts/install-code-server.sh) driven by
// headless Chromium through playwright-core. Opens the panel on a repository with pending,
// approved, stale, break-glass and bypassed items, asserts the rendered rows and counts through
// the webview frame's DOM, the XSS case, a filter, keyboard navigation and the open-file action,
// restores filters and selection after a real window reload, and takes screenshots in a dark and
// a light theme (test-artifacts/panel/, not committed); then checks the paged table with 2,000
// findings in a plain Chromium page.
// code-server and Chromium are killed by their own process ids.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ART = path.join(ROOT, 'test-artifacts/panel');
const require = createRequire(import.meta.url);
const keep = process.argv.includes('--keep');

const results = [];
async function check(name, fn) {
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`  ✔ ${name}`);
  } catch (err) {
    results.push({ name, ok: false, err });
    console.log(`  ✘ ${name}\n    ${String(err.message).split('\n').join('\n    ')}`);
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function until(what, fn, ms = 60_000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

function settings(theme) {
  return JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.colorTheme': theme,
    'security.workspace.trust.enabled': false,
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'telemetry.telemetryLevel': 'off',
    'workbench.tips.enabled': false,
    'git.enabled': false,
  });
}

async function panelFrame(page, ms = 90_000) {
  return until('the review-status webview', async () => {
    for (const f of page.frames()) {
      if (await f.$('#findings-body').catch(() => null)) {
        if (await f.$('body[data-rendered]')) return f;
      }
    }
    return undefined;
  }, ms);
}

// The webview's own script with 2,000 findings in a plain Chromium page (test/e2e/panel-page.ts):
// rows are added a page at a time, and keyboard navigation and filters must still see all of them.
async function largeTableChecks(chromium) {
  const { bigReport, servePanel, WEBVIEW_STUB } = require(path.join(ROOT, 'out/test/e2e/panel-page.js'));
  const { sortFindings } = require(path.join(ROOT, 'out/src/extension/panel/render.js'));
  const report = bigReport(2000);
  const sorted = sortFindings(report.findings);
  const server = await servePanel(ROOT);
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({ executablePath: process.env.FOUREYES_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
  const open = async () => {
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    await page.addInitScript(WEBVIEW_STUB);
    await page.goto(url);
    await page.waitForFunction('window.__ready === true');
    await page.evaluate((m) => window.postMessage(m, '*'), { type: 'status', report, now: new Date().toISOString(), canApprove: true, repo: 'big' });
    await page.waitForSelector('body[data-rendered]');
    return page;
  };
  const rowCount = (page) => page.$$eval('#findings-body tr.finding', (t) => t.length);
  const focusedFp = (page) => page.evaluate(() => document.activeElement?.dataset?.fp);
  console.log('review-status panel with 2,000 findings (Chromium, same panel.js):');
  try {
    await check('shows the first page of rows, counts all 2,000, and adds rows as the list scrolls', async () => {
      const page = await open();
      assert((await page.$eval('#findings-count', (e) => e.textContent)) === '2000 of 2000', 'count');
      const first = await rowCount(page);
      assert(first > 0 && first < 2000, `first render rows: ${first}`);
      assert(await page.$('#findings-body tr.more'), 'a "more" row');
      await page.$eval('#findings-body tr.more', (e) => e.scrollIntoView());
      await until('more rows after scrolling', async () => (await rowCount(page)) > first, 5000);
      await page.close();
    });
    await check('keyboard navigation crosses the shown rows: PageDown past the first page, End to the last finding', async () => {
      const page = await open();
      const first = await rowCount(page);
      await page.focus('#findings-body tr.finding');
      const downs = Math.ceil(first / 10) + 1;
      for (let i = 0; i < downs; i++) await page.keyboard.press('PageDown');
      assert((await focusedFp(page)) === sorted[downs * 10].fingerprint, `after ${downs} PageDown: ${await focusedFp(page)}`);
      await page.keyboard.press('End');
      assert((await focusedFp(page)) === sorted[1999].fingerprint, 'End focuses the last finding');
      assert((await rowCount(page)) === 2000, 'every row is shown after End');
      await page.keyboard.press('Home');
      assert((await focusedFp(page)) === sorted[0].fingerprint, 'Home focuses the first finding');
      await page.close();
    });
    await check('filters and search apply to all 2,000 findings, not only the rows shown', async () => {
      const page = await open();
      await page.selectOption('[data-filter="severity"]', 'critical');
      assert((await page.$eval('#findings-count', (e) => e.textContent)) === '500 of 2000', 'critical count');
      assert(await page.$$eval('#findings-body tr.finding', (t) => t.every((r) => r.classList.contains('sev-critical'))), 'only critical rows');
      await page.selectOption('[data-filter="severity"]', '');
      await page.fill('#search', 'policy-1999.json');
      const locs = await page.$$eval('#findings-body tr.finding .loc', (t) => t.map((e) => e.textContent));
      assert(locs.length === 1 && locs[0].includes('policy-1999.json'), `search: ${locs}`);
      await page.close();
    });
    await check('restores a selection beyond the first page', async () => {
      const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
      const target = sorted[1500].fingerprint;
      await page.addInitScript(WEBVIEW_STUB.replace('let s;', `let s = { filter: {}, expanded: [], selected: ${JSON.stringify(target)} };`));
      await page.goto(url);
      await page.waitForFunction('window.__ready === true');
      await page.evaluate((m) => window.postMessage(m, '*'), { type: 'status', report, now: new Date().toISOString(), canApprove: true, repo: 'big' });
      await page.waitForSelector('body[data-rendered]');
      const tab = await page.$eval(`tr.finding[data-fp="${target}"]`, (e) => e.tabIndex);
      assert(tab === 0, 'the restored selection is the tab stop');
      await page.close();
    });
  } finally {
    await browser.close().catch(() => {});
    server.close();
  }
}

async function main() {
  const csDir = spawnSync('bash', [path.join(ROOT, 'scripts/install-code-server.sh'), process.env.FOUREYES_CODE_SERVER_DIR ?? path.join(ROOT, '.vscode-test/code-server')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .stdout.trim()
    .split('\n')
    .pop();
  const { chromium } = createRequire(path.join(csDir, 'package.json'))('playwright-core');
  const { makeStatusFixture, XSS_SNIPPET, XSS_PATH } = require(path.join(ROOT, 'out/test/e2e/status-fixture.js'));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'foureyes-panel-ui-'));
  const repo = makeStatusFixture(path.join(tmp, 'fixture'));
  const userData = path.join(tmp, 'user');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  const settingsFile = path.join(userData, 'User/settings.json');
  writeFileSync(settingsFile, settings('Default Dark Modern'));
  rmSync(ART, { recursive: true, force: true });
  mkdirSync(ART, { recursive: true });
  const log = createWriteStream(path.join(ART, 'code-server.log'));
  const port = await freePort();
  const server = spawn(
    process.execPath,
    [path.join(csDir, 'node_modules/code-server/out/node/entry.js'), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userData, '--extensions-dir', path.join(tmp, 'ext'), '--disable-telemetry', '--disable-update-check', repo.dir],
    // The fixture's findings come from the test marker detector; the repo's git identity from its temp home.
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...repo.env, FOUREYES_TEST_DETECTOR: '1' } },
  );
  server.stdout.pipe(log, { end: false });
  server.stderr.pipe(log, { end: false });
  let browser;
  let page;
  const dialogs = [];
  try {
    const base = `http://127.0.0.1:${port}`;
    await until('code-server', async () => (await fetch(`${base}/healthz`)).status < 500, 60_000);
    browser = await chromium.launch({ executablePath: process.env.FOUREYES_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
    page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const payload = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${ROOT}`]];
    await page.goto(`${base}/?folder=${encodeURIComponent(repo.dir)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await page.waitForTimeout(3000);
    // On a loaded machine the palette can open before the workbench lists every command: Enter
    // only once the command's own row is the one selected.
    const runCommand = async (title) => {
      await page.keyboard.press('F1');
      await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
      await page.keyboard.type(title);
      const row = `.quick-input-list .monaco-list-row.focused[aria-label*="${title.replace(/"/g, '\\"')}"]`;
      await page.waitForSelector(row, { timeout: 30_000 });
      await page.keyboard.press('Enter');
    };
    let frame;
    for (let attempt = 1; !frame; attempt++) {
      try {
        await runCommand('Four Eyes: Open Review Status');
        frame = await panelFrame(page, 60_000);
      } catch (err) {
        if (attempt === 3) throw err;
        await page.keyboard.press('Escape');
      }
    }
    console.log('review-status panel:');

    await check('renders one row per finding and the counts by state', async () => {
      const rows = await frame.$$eval('#findings-body tr.finding', (t) => t.map((r) => r.querySelector('.loc')?.textContent));
      for (const want of ['config/cache.json:1', 'svc/app.json:2', 'deploy/iam.json:1', 'ops/hotfix.json:1', `${XSS_PATH}:1`]) assert(rows.includes(want), `row ${want} missing from ${JSON.stringify(rows)}`);
      const need = await frame.$eval('.chip.st-required .n', (e) => e.textContent);
      assert(need === '3', `need-review count ${need}`);
      const rowsNeeding = await frame.$$eval('#findings-body tr.finding.st-required', (t) => t.length);
      assert(rowsNeeding === 3, `rows needing review: ${rowsNeeding}`);
      assert((await frame.$eval('.chip.st-stale .n', (e) => e.textContent)) === '1', 'stale count');
      assert((await frame.$eval('.chip.st-bypassed .n', (e) => e.textContent)) === '1', 'bypassed count');
      const ai = await frame.$eval('.ai-share', (e) => e.textContent);
      assert(/1 of 5 risky changes AI-origin \(20%\)/.test(ai), ai);
    });

    await check('shows approvals (reviewer, note, stale) and exceptions (break-glass, bypassed commit)', async () => {
      const recs = await frame.$$eval('#records-body tr.record', (t) => t.map((r) => r.textContent));
      assert(recs.length === 2, `approvals: ${recs.length}`);
      assert(recs.some((t) => t.includes('alice@example.com') && t.includes('<script>alert(3)</script> staging only')), 'alice approval with its note as text');
      assert(recs.some((t) => t.includes('bob@example.com') && t.includes('stale (1)')), 'bob approval marked stale');
      const ex = await frame.$$eval('#exceptions-body tr', (t) => t.map((r) => r.textContent));
      assert(ex.some((t) => t.includes('break-glass') && t.includes('prod outage <i>now</i>')), `break-glass: ${ex}`);
      assert(ex.some((t) => t.includes('bypassed hook') && t.includes('quick fix')), `bypass: ${ex}`);
      assert(await frame.$('svg[role="img"] rect.cat-endpoint'), 'history chart bar');
    });

    await check('shows a snippet with HTML as text (XSS)', async () => {
      const row = frame.locator(`#findings-body tr.finding:has(.loc:text-is("${XSS_PATH}:1"))`);
      assert((await row.count()) === 1, 'xss row');
      await row.locator('[data-action="toggle"]').click();
      await frame.waitForSelector('tr.detail');
      const text = await frame.$eval('tr.detail .after code', (e) => e.textContent);
      assert(text.includes(XSS_SNIPPET), `after snippet: ${text}`);
      assert((await frame.$$('img')).length === 0, 'no <img> element was created');
      assert((await frame.$$('#findings-body b, #records-body script, #exceptions-body i')).length === 0, 'no tags from repository text');
      assert(dialogs.length === 0, `alert ran: ${dialogs}`);
    });

    await check('filters by severity and by search, and clears', async () => {
      await frame.selectOption('[data-filter="severity"]', 'critical');
      let locs = await frame.$$eval('#findings-body tr.finding .loc', (t) => t.map((e) => e.textContent));
      assert(locs.length === 1 && locs[0] === 'deploy/iam.json:1', `critical: ${locs}`);
      await frame.selectOption('[data-filter="severity"]', '');
      await frame.fill('#search', 'agent');
      locs = await frame.$$eval('#findings-body tr.finding .loc', (t) => t.map((e) => e.textContent));
      assert(locs.length === 1 && locs[0] === 'svc/app.json:2', `search: ${locs}`);
      await frame.click('[data-action="clear"]');
      locs = await frame.$$eval('#findings-body tr.finding', (t) => t.length);
      assert(locs >= 6, `cleared: ${locs}`);
    });

    await check('is keyboard navigable (arrows move focus between rows)', async () => {
      await frame.focus('#findings-body tr.finding');
      await page.keyboard.press('ArrowDown');
      const second = await frame.evaluate(() => [...document.querySelectorAll('#findings-body tr.finding')].indexOf(document.activeElement));
      assert(second === 1, `focused row ${second}`);
    });

    await page.screenshot({ path: path.join(ART, 'panel-dark.png') });

    await check('opens the file at the finding', async () => {
      // A locator, not an element handle: a live refresh may re-render the rows meanwhile.
      await frame.locator('#findings-body tr.finding .loc:text-is("svc/app.json:2")').click();
      await until('an editor tab for app.json', async () => page.$('.tabs-container .tab[aria-label*="app.json"]'), 20_000);
      const line = await until('cursor on line 2', async () => {
        const t = await page.$eval('.statusbar [id="status.editor.selection"]', (e) => e.textContent).catch(() => '');
        return /Ln 2,/.test(t) ? t : undefined;
      }, 20_000);
      assert(line, 'line 2');
    });

    await check('keeps filters when hidden and shown again (webview state)', async () => {
      await page.click('.tabs-container .tab[aria-label*="Review Status"]');
      frame = await panelFrame(page);
      await frame.fill('#search', 'hotfix');
      await page.click('.tabs-container .tab[aria-label*="app.json"]');
      await page.waitForTimeout(500);
      await page.click('.tabs-container .tab[aria-label*="Review Status"]');
      frame = await panelFrame(page);
      await until('restored search', async () => (await frame.$eval('#search', (e) => e.value)) === 'hotfix', 10_000);
      const n = await frame.$$eval('#findings-body tr.finding', (t) => t.length);
      assert(n === 1, `filtered rows after show: ${n}`);
      await frame.click('[data-action="clear"]');
    });

    await check('restores filters and selection after a real window reload (panel serializer), in a light theme', async () => {
      await page.click('.tabs-container .tab[aria-label*="Review Status"]');
      frame = await panelFrame(page);
      await frame.click('[data-action="clear"]');
      await frame.selectOption('[data-filter="state"]', 'required');
      const rows = frame.locator('#findings-body tr.finding');
      assert((await rows.count()) === 3, `rows needing review: ${await rows.count()}`);
      await rows.nth(1).locator('.c-cat').click();
      const selected = await rows.nth(1).getAttribute('data-fp');
      writeFileSync(settingsFile, settings('Default Light Modern'));
      // Developer: Reload Window goes through the workbench's shutdown, which saves the open
      // editors and the webview's state; a browser reload would race the workbench's save timer.
      await page.evaluate(() => (window.__beforeReload = true));
      await runCommand('Developer: Reload Window');
      await until('the reloaded workbench', async () => (await page.evaluate(() => !window.__beforeReload && !!document.querySelector('.monaco-workbench'))), 60_000);
      // No command opens the panel: only the serializer can bring it back.
      await until('the restored review-status webview in the light theme', async () => {
        frame = await panelFrame(page);
        const bg = await frame.evaluate(() => getComputedStyle(document.body).backgroundColor);
        const [r, g, b] = bg.match(/\d+/g).map(Number);
        return r + g + b > 600;
      }, 90_000);
      assert((await frame.$eval('[data-filter="state"]', (e) => e.value)) === 'required', 'restored state filter');
      const restored = await frame.$$eval('#findings-body tr.finding', (t) => t.map((r) => [r.dataset.fp, r.tabIndex]));
      assert(restored.length === 3, `restored rows: ${restored.length}`);
      assert(restored.filter(([, tab]) => tab === 0).map(([fp]) => fp).join() === selected, `restored selection: ${JSON.stringify(restored)} want ${selected}`);
      await frame.click('[data-action="clear"]');
      await page.waitForTimeout(800);
      await page.screenshot({ path: path.join(ART, 'panel-light.png') });
    });

    await largeTableChecks(chromium);
  } catch (err) {
    await page?.screenshot({ path: path.join(ART, 'failure.png') }).catch(() => {});
    throw err;
  } finally {
    await browser?.close().catch(() => {});
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    log.end();
    if (!keep) rmSync(tmp, { recursive: true, force: true });
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`panel ui: ${results.length - failed} passing, ${failed} failing; screenshots in ${path.relative(ROOT, ART)}/`);
  process.exitCode = failed || !results.length ? 1 : 0;
}

main().catch((err) => {
  console.error(`panel-ui-test: ${err.message}`);
  process.exitCode = 2;
});
