// @vscode/test-cli configuration (`npx vscode-test`): the integration groups over the same mocha
// suites, in a downloaded desktop VS Code. Workspaces are built fresh when this file loads.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@vscode/test-cli';
import { BASE_SETTINGS, GROUPS, SUITES } from './scripts/it-workspaces.mjs';

export default defineConfig(
  GROUPS.map((group) => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), `foureyes-vscode-test-${group.name}-`));
    const userData = path.join(tmp, '.user-data');
    mkdirSync(path.join(userData, 'User'), { recursive: true });
    writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...group.settings }, null, 2));
    const ws = group.workspace(tmp);
    return {
      label: group.name,
      files: SUITES[group.name].map((s) => `out/test/integration/suites/${s}.test.js`),
      workspaceFolder: ws.folder ?? ws.workspace,
      env: { FOUREYES_IT_GROUP: group.name },
      launchArgs: ['--user-data-dir', userData, ...(group.trusted ? ['--disable-workspace-trust'] : [])],
      mocha: { ui: 'bdd', timeout: 30000 },
    };
  }),
);
