// The integration groups and the throw-away workspaces they open, shared by every launcher
// (code-server, @vscode/test-electron, .vscode-test.mjs). Each workspace is a fresh git
// repository copied from test/fixtures/integration with one commit, so HEAD is the baseline.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(ROOT, 'test/fixtures/integration');

export const SUITES = JSON.parse(readFileSync(path.join(ROOT, 'test/integration/groups.json'), 'utf8'));

const TRUST_OFF = { 'security.workspace.trust.enabled': false };
const TRUST_ON = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'security.workspace.trust.emptyWindow': false,
};

export const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'git.autoRepositoryDetection': false,
  'telemetry.telemetryLevel': 'off',
  'workbench.tips.enabled': false,
};

/** name, trusted, settings, and `workspace(tmp)` -> { folder } or { workspace: file }. */
export const GROUPS = [
  { name: 'main', trusted: true, settings: TRUST_OFF, workspace: (tmp) => ({ folder: makeRepo(tmp, 'single', 'app') }) },
  { name: 'untrusted', trusted: false, settings: TRUST_ON, workspace: (tmp) => ({ folder: makeRepo(tmp, 'single', 'app') }) },
  {
    name: 'multiroot',
    trusted: true,
    settings: TRUST_OFF,
    workspace: (tmp) => {
      const a = makeRepo(tmp, 'root-a', 'root-a');
      const b = makeRepo(tmp, 'root-b', 'root-b');
      const file = path.join(tmp, 'two.code-workspace');
      writeFileSync(file, JSON.stringify({ folders: [{ path: a }, { path: b }], settings: {} }, null, 2));
      return { workspace: file };
    },
  },
].filter((g) => SUITES[g.name]?.length);

function git(cwd, ...args) {
  execFileSync('git', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeRepo(tmp, fixture, name) {
  const dir = path.join(tmp, name);
  cpSync(path.join(FIXTURES, fixture), dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'dev@example.com');
  git(dir, 'config', 'user.name', 'Dev');
  git(dir, 'config', 'commit.gpgsign', 'false');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'baseline');
  return dir;
}
