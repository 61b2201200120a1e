import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { starterRulesText } from '../../src/core/rules-starter';
import { runCli } from './helpers';

describe('foureyes init', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'foureyes-init-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the starter at the repository root when run from a subdirectory', () => {
    mkdirSync(path.join(dir, '.git'));
    mkdirSync(path.join(dir, 'a/b'), { recursive: true });
    const r = runCli(['init'], { cwd: path.join(dir, 'a/b') });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^wrote \.\.\/\.\.\/\.foureyes\/rules\.jsonc\n/);
    assert.equal(readFileSync(path.join(dir, '.foureyes/rules.jsonc'), 'utf8'), starterRulesText());
    assert.deepEqual(readdirSync(path.join(dir, '.foureyes')), ['rules.jsonc']);
    // The file it wrote is a valid rules file for the other commands.
    const scan = runCli(['scan', '.'], { cwd: dir });
    assert.equal(scan.code, 0, scan.stderr);
    assert.equal(scan.stderr, '');
  });

  it('treats a .git file (worktree) as the root too, and uses the cwd outside a repository', () => {
    mkdirSync(path.join(dir, 'wt/sub'), { recursive: true });
    writeFileSync(path.join(dir, 'wt/.git'), 'gitdir: /elsewhere\n');
    assert.equal(runCli(['init'], { cwd: path.join(dir, 'wt/sub') }).code, 0);
    assert.ok(readFileSync(path.join(dir, 'wt/.foureyes/rules.jsonc'), 'utf8').length > 0);
    const outside = path.join(dir, 'plain');
    mkdirSync(outside);
    assert.equal(runCli(['init', '--dir', outside], { cwd: dir }).code, 0);
    assert.ok(readFileSync(path.join(outside, '.foureyes/rules.jsonc'), 'utf8').length > 0);
  });

  it('refuses to overwrite without --force, and overwrites with it, leaving no temp files', () => {
    mkdirSync(path.join(dir, '.git'));
    mkdirSync(path.join(dir, '.foureyes'));
    writeFileSync(path.join(dir, '.foureyes/rules.jsonc'), '{ "ignore": ["mine/**"] }\n');
    const refused = runCli(['init'], { cwd: dir });
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr, 'foureyes init: .foureyes/rules.jsonc already exists; use --force to overwrite it\n');
    assert.equal(readFileSync(path.join(dir, '.foureyes/rules.jsonc'), 'utf8'), '{ "ignore": ["mine/**"] }\n');
    const forced = runCli(['init', '--force'], { cwd: dir });
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(readFileSync(path.join(dir, '.foureyes/rules.jsonc'), 'utf8'), starterRulesText());
    assert.deepEqual(readdirSync(path.join(dir, '.foureyes')), ['rules.jsonc']);
  });

  it('exits 2 with one line when it cannot write', () => {
    mkdirSync(path.join(dir, '.git'));
    writeFileSync(path.join(dir, '.foureyes'), 'a file where the directory should be');
    const r = runCli(['init'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^foureyes init: cannot create \.foureyes: E[A-Z]+\n$/);
    assert.equal(runCli(['init', 'extra'], { cwd: dir }).code, 2);
  });
});
