#!/usr/bin/env node
// The same integration groups in a desktop VS Code downloaded by @vscode/test-electron, for
// machines that can download VS Code builds (this project's CI cannot: it uses
// scripts/integration-test.mjs with code-server). Every group runs out/test/integration/index.js
// with FOUREYES_IT_GROUP set, which picks its suites from test/integration/groups.json: the very
// suites the code-server runner runs.
//
// VS Code is fetched once, before any group, with an idle timeout: offline, the run stops with one
// clear message and exit code 2 instead of retrying per group. FOUREYES_VSCODE_EXECUTABLE points at
// a VS Code already on disk (no download at all).
//
// usage: node scripts/test-electron.mjs [--group NAME]...
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { BASE_SETTINGS, GROUPS, ROOT, SUITES } from './it-workspaces.mjs';

const DOWNLOAD_IDLE_TIMEOUT_MS = Number(process.env.FOUREYES_VSCODE_DOWNLOAD_TIMEOUT_MS ?? 15_000);

const argv = process.argv.slice(2);
const only = argv.flatMap((a, i) => (argv[i - 1] === '--group' ? [a] : []));
const unknown = only.filter((g) => !SUITES[g]);
if (unknown.length) {
  console.error(`test-electron: unknown group(s) ${unknown.join(', ')}; groups: ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}
if (!existsSync(path.join(ROOT, 'out/test/integration/index.js')) || !existsSync(path.join(ROOT, 'dist/extension.js'))) {
  console.error('test-electron: out/test/integration/index.js or dist/extension.js is missing; run `npm run build` first');
  process.exit(2);
}

async function vscodeExecutable() {
  const local = process.env.FOUREYES_VSCODE_EXECUTABLE;
  if (local) {
    if (!existsSync(local)) throw new Error(`FOUREYES_VSCODE_EXECUTABLE=${local} does not exist`);
    return local;
  }
  try {
    return await downloadAndUnzipVSCode({ cachePath: path.join(ROOT, '.vscode-test'), timeout: DOWNLOAD_IDLE_TIMEOUT_MS });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(
      `cannot download VS Code (${why.split('\n')[0]}). This machine looks offline or cannot reach update.code.visualstudio.com: ` +
        'run the same suites in code-server with `npm run test:integration`, or set FOUREYES_VSCODE_EXECUTABLE to a VS Code on disk.',
    );
  }
}

let executable;
try {
  executable = await vscodeExecutable();
} catch (err) {
  console.error(`test-electron: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}

let failed = 0;
for (const group of GROUPS.filter((g) => only.length === 0 || only.includes(g.name))) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `foureyes-electron-${group.name}-`));
  const userData = path.join(tmp, '.user-data');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...group.settings }, null, 2));
  const ws = group.workspace(tmp);
  try {
    const code = await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'out/test/integration/index.js'),
      extensionTestsEnv: { FOUREYES_IT_GROUP: group.name },
      launchArgs: [ws.folder ?? ws.workspace, '--user-data-dir', userData, '--disable-extensions', ...(group.trusted ? ['--disable-workspace-trust'] : [])],
    });
    if (code !== 0) throw new Error(`VS Code exited with code ${code}`);
    console.log(`group ${group.name}: passed (${SUITES[group.name].join(', ')})`);
  } catch (err) {
    console.error(`group ${group.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    failed++;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
process.exitCode = failed ? 1 : 0;
