// The integration groups and the throw-away workspaces they open, shared by every launcher
// (code-server, @vscode/test-electron, .vscode-test.mjs). Each workspace is a fresh git
// repository copied from test/fixtures/integration with one commit, so HEAD is the baseline.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** name, trusted, settings, optional user keybindings, and `workspace(tmp)` -> { folder } or { workspace: file }. */
export const GROUPS = [
  { name: 'main', trusted: true, settings: TRUST_OFF, workspace: (tmp) => ({ folder: makeRepo(tmp, 'single', 'app', { senior: true }) }) },
  {
    name: 'capture',
    trusted: true,
    settings: TRUST_OFF,
    // A user's own accept keys: one bound to the Four Eyes command, one straight to VS Code's.
    keybindings: [
      { key: 'ctrl+alt+j', command: 'foureyes.acceptInlineSuggestion', when: 'inlineSuggestionVisible && editorTextFocus' },
      { key: 'ctrl+alt+k', command: 'editor.action.inlineSuggest.commit', when: 'inlineSuggestionVisible && editorTextFocus' },
    ],
    workspace: (tmp) => ({ folder: makeRepo(tmp, 'capture', 'app') }),
  },
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

/**
 * A senior (alice@example.com) whose fresh SSH key is git's user.signingKey in the repository, so
 * the editor can approve as her; the author of changes stays dev@example.com (four eyes).
 */
function addSenior(tmp, dir) {
  const keys = path.join(tmp, '.keys');
  mkdirSync(keys, { recursive: true });
  const key = path.join(keys, 'alice');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'alice@example.com', '-f', key], { stdio: 'ignore' });
  const publicKey = readFileSync(`${key}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  mkdirSync(path.join(dir, '.foureyes'), { recursive: true });
  writeFileSync(
    path.join(dir, '.foureyes/rules.jsonc'),
    `// Integration-test rules.\n${JSON.stringify({ review: { minSeverity: 'high' }, seniors: [{ id: 'alice@example.com', publicKey }] }, null, 2)}\n`,
  );
  git(dir, 'config', 'user.signingKey', key);
}

export function makeRepo(tmp, fixture, name, opts = {}) {
  const dir = path.join(tmp, name);
  cpSync(path.join(FIXTURES, fixture), dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'dev@example.com');
  git(dir, 'config', 'user.name', 'Dev');
  git(dir, 'config', 'commit.gpgsign', 'false');
  if (opts.senior) addSenior(tmp, dir);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'baseline');
  return dir;
}
