import * as assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './helpers';

describe('the GitHub Action (action.yml)', () => {
  const file = path.join(REPO_ROOT, 'action.yml');
  const text = readFileSync(file, 'utf8');

  it('passes inputs to shell steps through env, never spliced into the script', () => {
    const runBlocks = text.split(/\n\s+- name: /).map((step) => step.split(/\n\s+run: \|?/)[1] ?? '');
    for (const block of runBlocks) assert.doesNotMatch(block, /\$\{\{\s*inputs\./, 'an input expanded inside run: is a script injection');
  });

  it('builds with the files it names and runs verify', () => {
    assert.ok(existsSync(path.join(REPO_ROOT, 'esbuild.mjs')));
    assert.match(text, /dist\/cli\.js/);
    assert.match(text, /verify "\$@"/);
  });

  it('lets a workflow accept break-glass only by an explicit input', () => {
    assert.match(text, /allow-break-glass:[\s\S]*?default: 'false'/);
    assert.match(text, /if \[ "\$FOUREYES_ALLOW_BREAK_GLASS" = true \]; then set -- "\$@" --allow-break-glass; fi/);
  });

  it('is clean under Four Eyes own CI rules', () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/cli.js'), 'scan', 'action.yml', '--format', 'json'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.strictEqual(r.status, 0, `scan action.yml: ${r.stdout}${r.stderr}`);
  });
});
