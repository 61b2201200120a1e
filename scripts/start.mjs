#!/usr/bin/env node
// `npm start`: opens the demo workspace with the extension loaded — in desktop VS Code when
// `code` is on PATH, else in code-server (installed and cached like the integration tests) with
// the URL printed. The demo workspace is a git repository under .vscode-test/demo-workspace with
// an IAM policy at HEAD and a senior whose key signs approvals; widen the policy to see a finding.
// usage: node scripts/start.mjs [--prepare-only] [--port N]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { makeRepo, ROOT, BASE_SETTINGS } from './it-workspaces.mjs';
import { writeFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const base = path.join(ROOT, '.vscode-test');
const demo = path.join(base, 'demo-workspace');

function prepare() {
  if (existsSync(path.join(demo, '.git'))) return demo;
  mkdirSync(base, { recursive: true });
  rmSync(demo, { recursive: true, force: true });
  return makeRepo(base, 'single', 'demo-workspace', { senior: true });
}

function onPath(cmd) {
  return spawnSync(process.platform === 'win32' ? 'where' : 'sh', process.platform === 'win32' ? [cmd] : ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const folder = prepare();
console.log(`demo workspace: ${folder}`);
if (argv.includes('--prepare-only')) process.exit(0);

if (onPath('code') && !process.env.FOUREYES_FORCE_CODE_SERVER) {
  const r = spawnSync('code', ['--extensionDevelopmentPath=' + ROOT, folder], { stdio: 'inherit' });
  process.exit(r.status ?? 0);
}

const dir = process.env.FOUREYES_CODE_SERVER_DIR ?? path.join(base, 'code-server');
const install = spawnSync('bash', [path.join(ROOT, 'scripts/install-code-server.sh'), dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (install.status !== 0) {
  console.error('start: cannot install code-server (see above)');
  process.exit(2);
}
const csDir = install.stdout.trim().split('\n').pop();
const portArg = argv[argv.indexOf('--port') + 1];
const port = argv.includes('--port') ? Number(portArg) : await freePort();
const userData = path.join(base, 'start-user-data');
mkdirSync(path.join(userData, 'User'), { recursive: true });
writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify({ ...BASE_SETTINGS, 'security.workspace.trust.enabled': false }, null, 2));
const server = spawn(
  process.execPath,
  [path.join(csDir, 'node_modules/code-server/out/node/entry.js'), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userData, '--extensions-dir', path.join(base, 'start-extensions'), '--disable-telemetry', '--disable-update-check', folder],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
const payload = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${ROOT}`]];
console.log(`\nFour Eyes demo in code-server:\n  http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}\n\nOpen infra/policy.json and change the Action to "*". Ctrl-C stops the server.`);
const stop = () => server.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => process.exit(code ?? 0));
