// The @vscode/test-electron runner: the same groups and suites as the code-server runner, and a
// clear, quick failure (never a hang) when it cannot get a VS Code. No test here downloads.
import * as assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './helpers';

const SCRIPT = path.join(REPO_ROOT, 'scripts/test-electron.mjs');

function run(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [SCRIPT, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
}

describe('test-electron runner', () => {
  it('runs each group through the shared entry, which picks the suites the code-server runner runs', () => {
    const electron = readFileSync(SCRIPT, 'utf8');
    const codeServer = readFileSync(path.join(REPO_ROOT, 'scripts/integration-test.mjs'), 'utf8');
    for (const text of [electron, codeServer]) {
      assert.match(text, /from '\.\/it-workspaces\.mjs'/);
      assert.match(text, /out\/test\/integration\/index\.js/);
      assert.match(text, /FOUREYES_IT_GROUP: group\.name/);
    }
    const cli = readFileSync(path.join(REPO_ROOT, '.vscode-test.mjs'), 'utf8');
    assert.match(cli, /SUITES\[group\.name\]/);
  });

  it('fails at once with exit 2 and one clear line when the VS Code it is pointed at is missing', () => {
    const r = run(['--group', 'main'], { FOUREYES_VSCODE_EXECUTABLE: path.join(REPO_ROOT, 'no-such-dir/code') });
    assert.strictEqual(r.status, 2, r.stderr);
    assert.match(r.stderr, /FOUREYES_VSCODE_EXECUTABLE=.*does not exist/);
  });

  it('rejects an unknown group before doing anything', () => {
    const r = run(['--group', 'nope'], {});
    assert.strictEqual(r.status, 2, r.stderr);
    assert.match(r.stderr, /unknown group\(s\) nope; groups: main/);
  });
});
