#!/usr/bin/env node
// Runs the integration suites inside a real VS Code: code-server (installed and cached by
// scripts/install-code-server.sh) driven by headless Chromium through playwright-core. Each group
// gets fresh workspaces (git repositories built from test/fixtures/integration), its own
// code-server and user settings, and a bounded time. The extension host's mocha outcome comes
// back through `codeAutomationExit`; a JSON summary is written by the suites themselves.
// On failure: a screenshot and logs under test-artifacts/. code-server and Chromium are always
// killed, by their own process ids.
//
// usage: node scripts/integration-test.mjs [--group NAME]... [--keep]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serveDriver } from './it-driver.mjs';
import { BASE_SETTINGS, GROUPS, ROOT } from './it-workspaces.mjs';

const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const GROUP_TIMEOUT_MS = Number(process.env.FOUREYES_IT_TIMEOUT_MS ?? 240_000);
const SERVER_START_TIMEOUT_MS = 60_000;

const argv = process.argv.slice(2);
const only = argv.flatMap((a, i) => (argv[i - 1] === '--group' ? [a] : []));
const keep = argv.includes('--keep');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForServer(url, child, deadline) {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited early with code ${child.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer at ${url} within ${SERVER_START_TIMEOUT_MS / 1000}s`);
}

function installCodeServer() {
  const dir = process.env.FOUREYES_CODE_SERVER_DIR ?? path.join(ROOT, '.vscode-test/code-server');
  const r = spawnSync('bash', [path.join(ROOT, 'scripts/install-code-server.sh'), dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`install-code-server.sh failed (exit ${r.status})`);
  return r.stdout.trim().split('\n').pop();
}

function killTree(child) {
  if (!child || child.exitCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function runGroup(group, csDir, chromium) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `foureyes-it-${group.name}-`));
  const userData = path.join(tmp, '.user-data');
  const extDir = path.join(tmp, '.extensions');
  const outDir = path.join(tmp, '.results');
  const driverDir = path.join(tmp, '.driver');
  for (const d of [path.join(userData, 'User'), extDir, outDir, driverDir]) mkdirSync(d, { recursive: true });
  writeFileSync(
    path.join(userData, 'User/settings.json'),
    JSON.stringify({ ...BASE_SETTINGS, ...group.settings }, null, 2),
  );
  if (group.keybindings) writeFileSync(path.join(userData, 'User/keybindings.json'), JSON.stringify(group.keybindings, null, 2));
  const ws = group.workspace(tmp);
  const port = await freePort();
  const artifactDir = path.join(ARTIFACTS, group.name);
  rmSync(artifactDir, { recursive: true, force: true });
  mkdirSync(artifactDir, { recursive: true });
  const serverLog = createWriteStream(path.join(artifactDir, 'code-server.log'));
  const browserLog = [];
  const entry = path.join(csDir, 'node_modules/code-server/out/node/entry.js');
  const server = spawn(
    process.execPath,
    [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userData, '--extensions-dir', extDir, '--disable-telemetry', '--disable-update-check', ws.folder ?? ws.workspace],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FOUREYES_IT_OUT: outDir, FOUREYES_IT_GROUP: group.name, FOUREYES_IT_DRIVER: driverDir } },
  );
  server.stdout.pipe(serverLog, { end: false });
  server.stderr.pipe(serverLog, { end: false });
  let browser;
  let page;
  let stopDriver;
  const started = Date.now();
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForServer(`${base}/healthz`, server, Date.now() + SERVER_START_TIMEOUT_MS);
    browser = await chromium.launch({
      executablePath: process.env.FOUREYES_CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (m) => browserLog.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => browserLog.push(`[pageerror] ${e.message}`));
    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    // Key presses the suites ask for (test/integration/driver.ts).
    stopDriver = serveDriver(driverDir, page, (l) => browserLog.push(`[driver] ${l}`));
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(path.join(ROOT, 'out/test/integration/index.js'))],
    ];
    const target = ws.folder ? `folder=${encodeURIComponent(ws.folder)}` : `workspace=${encodeURIComponent(ws.workspace)}`;
    await page.goto(`${base}/?${target}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    let timer;
    const timeout = new Promise((r) => (timer = setTimeout(() => r('timeout'), GROUP_TIMEOUT_MS)));
    // A pending group timer would keep this process alive for minutes after the last group.
    const code = await Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
    const resultFile = path.join(outDir, `${group.name}.json`);
    const summary = existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : undefined;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (summary) for (const line of summary.output) console.log(line);
    const ok = code === 0 && summary && summary.failures.length === 0 && summary.passes > 0;
    if (!ok) {
      const why = code === 'timeout' ? `no result within ${GROUP_TIMEOUT_MS / 1000}s` : summary ? `${summary.failures.length} failed` : `exit code ${code} and no test summary (the tests module did not load?)`;
      await page.screenshot({ path: path.join(artifactDir, 'failure.png') }).catch(() => {});
      console.log(`group ${group.name}: FAILED (${why}) in ${seconds}s; logs and screenshot in ${path.relative(ROOT, artifactDir)}/`);
    } else {
      console.log(`group ${group.name}: ${summary.passes} passed, ${summary.pending} pending in ${seconds}s`);
    }
    return { ok, summary };
  } finally {
    stopDriver?.();
    writeFileSync(path.join(artifactDir, 'browser-console.log'), browserLog.join('\n'));
    await browser?.close().catch(() => {});
    killTree(server);
    serverLog.end();
    if (!keep) rmSync(tmp, { recursive: true, force: true });
  }
}

async function main() {
  if (!existsSync(path.join(ROOT, 'out/test/integration/index.js')) || !existsSync(path.join(ROOT, 'dist/extension.js'))) {
    throw new Error('build first: npm run build');
  }
  const csDir = installCodeServer();
  const require = createRequire(path.join(csDir, 'package.json'));
  const { chromium } = require('playwright-core');
  const groups = GROUPS.filter((g) => only.length === 0 || only.includes(g.name));
  if (groups.length === 0) throw new Error(`no such group: ${only.join(', ')}`);
  let failed = 0;
  let passed = 0;
  for (const g of groups) {
    console.log(`integration group ${g.name}:`);
    const r = await runGroup(g, csDir, chromium).catch((err) => {
      console.log(`group ${g.name}: FAILED: ${err.message}`);
      return { ok: false };
    });
    if (!r.ok) failed++;
    passed += r.summary?.passes ?? 0;
  }
  console.log(`integration: ${passed} passing, ${failed} group(s) failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((err) => {
  console.error(`integration-test: ${err.message}`);
  process.exitCode = 2;
});
