#!/usr/bin/env node
// The same integration groups in a desktop VS Code downloaded by @vscode/test-electron, for
// machines that can download VS Code builds (this project's CI cannot: it uses
// scripts/integration-test.mjs with code-server). usage: node scripts/test-electron.mjs [--group NAME]...
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { BASE_SETTINGS, GROUPS, ROOT } from './it-workspaces.mjs';

const argv = process.argv.slice(2);
const only = argv.flatMap((a, i) => (argv[i - 1] === '--group' ? [a] : []));
let failed = 0;
for (const group of GROUPS.filter((g) => only.length === 0 || only.includes(g.name))) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `foureyes-electron-${group.name}-`));
  const userData = path.join(tmp, '.user-data');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...group.settings }, null, 2));
  const ws = group.workspace(tmp);
  try {
    await runTests({
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'out/test/integration/index.js'),
      extensionTestsEnv: { FOUREYES_IT_GROUP: group.name },
      launchArgs: [ws.folder ?? ws.workspace, '--user-data-dir', userData, '--disable-extensions', ...(group.trusted ? ['--disable-workspace-trust'] : [])],
    });
  } catch (err) {
    console.error(`group ${group.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    failed++;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
process.exitCode = failed ? 1 : 0;
