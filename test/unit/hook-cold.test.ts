// The cold hook's shortcuts change nothing it decides: the code cache loads the same module (and
// survives a corrupt or stale cache), the blobs prefetched in the one cat-file are git's, and an
// analysis pre-filled from a saved file is exactly what the hook would compute, found only for
// exactly that content.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { codeCacheFile, requireWithCodeCache } from '../../src/cli/code-cache';
import { FULL_TOOLS } from '../../src/cli/review-run';
import { NeedsFullAnalysis, runReview, cacheDirFor, uncachedChanges } from '../../src/core/review/engine';
import { readBlobs, stagedInput, type StagedListing } from '../../src/core/review/inputs';
import { prefillAnalysis } from '../../src/core/review/prefill';
import { blobId } from '../../src/core/status-worktree';
import { TempRepo } from '../e2e/repo';
import { REPO_ROOT } from './helpers';

const withoutTrace = (text: string) => text.split('\n').filter((l) => !l.startsWith('foureyes-trace')).join('\n');

const VERSION = 'test-cold';
const WIDE = 'resource "aws_iam_policy" "p" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]\n  })\n}\n';
const NARROW = 'resource "aws_iam_policy" "p" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]\n  })\n}\n';

describe('hook cold path: V8 code cache', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'foureyes-codecache-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the module, writes a cache once, accepts it next time, and recovers from a corrupt one', () => {
    const file = path.join(dir, 'mod.js');
    writeFileSync(file, '#!/usr/bin/env node\nconst p = require("node:path");\nexports.join = (a, b) => p.join(a, b);\nexports.dir = __dirname;\nexports.self = __filename;\n');
    const first = requireWithCodeCache<{ join(a: string, b: string): string; dir: string; self: string }>(file);
    assert.equal(first.exports.join('a', 'b'), path.join('a', 'b'));
    assert.equal(first.exports.dir, dir);
    assert.equal(first.exports.self, file);
    assert.equal(first.cacheAccepted, false);
    assert.equal(first.saveIfNeeded(), true);
    assert.equal(first.saveIfNeeded(), false);
    const second = requireWithCodeCache<{ join(a: string, b: string): string }>(file);
    assert.equal(second.cacheAccepted, true);
    assert.equal(second.saveIfNeeded(), false);
    assert.equal(second.exports.join('x', 'y'), path.join('x', 'y'));
    writeFileSync(codeCacheFile(file), Buffer.from('not a code cache at all'));
    const third = requireWithCodeCache<{ join(a: string, b: string): string }>(file);
    assert.equal(third.cacheAccepted, false);
    assert.equal(third.exports.join('c', 'd'), path.join('c', 'd'));
    assert.equal(third.saveIfNeeded(), true);
    assert.equal(requireWithCodeCache(file).cacheAccepted, true);
  });

  it('compiles a changed source afresh instead of trusting the old cache', () => {
    const file = path.join(dir, 'mod.js');
    writeFileSync(file, 'exports.value = 1;\n');
    requireWithCodeCache(file).saveIfNeeded();
    writeFileSync(file, 'exports.value = 2;\n');
    const changed = requireWithCodeCache<{ value: number }>(file);
    assert.equal(changed.exports.value, 2);
    assert.equal(changed.cacheAccepted, false);
  });

  it('hook install writes the runtime code cache, and the hook then runs from it', function () {
    this.timeout(60_000);
    const repo = new TempRepo();
    try {
      repo.write('a.tf', NARROW);
      repo.git('add', '.');
      assert.equal(repo.cli(['hook', 'install']).code, 0);
      const cacheFile = path.join(repo.dir, '.git/foureyes/runtime/cli.js.v8cache');
      const written = readFileSync(cacheFile);
      const run = repo.run('sh', [path.join(repo.dir, '.git/foureyes/runtime/pre-commit.sh')], { env: { FOUREYES_TRACE: '1' } });
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /code cache accepted/);
      assert.match(run.stderr, /iam\/aws-data-exfiltration/);
      assert.deepEqual(readFileSync(cacheFile), written, 'an accepted cache is not rewritten');
      // hook.js's own cache is written by the first staged check (with the functions a commit runs), then used.
      const hookCache = path.join(repo.dir, '.git/foureyes/runtime/hook.js.v8cache');
      assert.ok(existsSync(hookCache), 'the first check wrote the hook entry cache');
      const hookWritten = readFileSync(hookCache);
      const again = repo.run('sh', [path.join(repo.dir, '.git/foureyes/runtime/pre-commit.sh')], { env: { FOUREYES_TRACE: '1' } });
      assert.equal(again.code, 1, again.stderr);
      assert.equal(withoutTrace(again.stderr), withoutTrace(run.stderr), 'the same verdict through the cached entry');
      assert.deepEqual(readFileSync(hookCache), hookWritten);
    } finally {
      repo.cleanup();
    }
  });

  it('the CLI bundle has no import(), which a vm-compiled script could not resolve', () => {
    const bundle = readFileSync(path.join(REPO_ROOT, 'dist/cli.js'), 'utf8');
    assert.equal(/[^\w.$]import\(/.test(bundle), false);
  });
});

describe('hook cold path: prefetch and pre-fill', function () {
  this.timeout(60_000);
  const repos: TempRepo[] = [];
  after(() => repos.forEach((r) => r.cleanup()));
  const env = (repo: TempRepo): NodeJS.ProcessEnv => {
    const e = { ...repo.env };
    delete e.FOUREYES_TEST_DETECTOR;
    return e;
  };
  const repoWith = (rules: string): TempRepo => {
    const repo = new TempRepo();
    repos.push(repo);
    repo.write('.foureyes/rules.jsonc', rules);
    repo.write('infra/iam.tf', NARROW);
    repo.write('infra/other.tf', NARROW);
    repo.git('add', '.');
    repo.git('commit', '-q', '--no-verify', '-m', 'base');
    return repo;
  };

  it('reads exactly the blobs the cache cannot answer in the listing cat-file, as git has them', async () => {
    const repo = repoWith('{}\n');
    repo.write('infra/iam.tf', WIDE);
    repo.write('infra/new.tf', WIDE);
    repo.git('add', '.');
    let listing: StagedListing | undefined;
    const input = await stagedInput(repo.dir, env(repo), {
      prefetch: (l) => {
        listing = l;
        return uncachedChanges(l, VERSION).flatMap((c) => [c.oldBlob, c.newBlob]);
      },
    });
    assert.deepEqual(listing!.changes.map((c) => c.path).sort(), ['infra/iam.tf', 'infra/new.tf']);
    assert.equal(listing!.targetRulesId, blobId(Buffer.from('{}\n')));
    assert.equal(input.blobs!.get(blobId(Buffer.from(WIDE)))!.toString(), WIDE);
    assert.equal(input.blobs!.get(blobId(Buffer.from(NARROW)))!.toString(), NARROW);
    const read = await readBlobs(input, [blobId(Buffer.from(WIDE)), blobId(Buffer.from('{}\n'))]);
    assert.equal(read.get(blobId(Buffer.from('{}\n')))!.toString(), '{}\n');
  });

  it('a file pre-filled on save is answered from the cache with the findings a full analysis gives, and only that content', async () => {
    const repo = repoWith('{ "seniors": [] }\n');
    repo.write('infra/iam.tf', WIDE);
    const e = env(repo);
    const root = repo.dir;
    const commonDir = path.join(repo.dir, '.git');
    assert.equal(await prefillAnalysis({ root, commonDir, path: 'infra/iam.tf', version: VERSION, hasHead: true }, e), 'written');
    assert.equal(await prefillAnalysis({ root, commonDir, path: 'infra/iam.tf', version: VERSION, hasHead: true }, e), 'present');
    repo.git('add', '.');

    const input = await stagedInput(repo.dir, e);
    const opts = { version: VERSION, cacheDir: cacheDirFor(input) };
    const fromCache = await runReview(input, {}, opts);
    assert.ok(fromCache.blocking.length > 0, 'the widened grant blocks from the pre-filled entry');
    rmSync(cacheDirFor(input), { recursive: true, force: true });
    const full = await runReview(await stagedInput(repo.dir, e), FULL_TOOLS, opts);
    assert.deepEqual(fromCache.findings.map((f) => f.finding), full.findings.map((f) => f.finding));

    // Staged content that differs from what was pre-filled is never answered by that entry.
    rmSync(cacheDirFor(input), { recursive: true, force: true });
    assert.equal(await prefillAnalysis({ root, commonDir, path: 'infra/iam.tf', version: VERSION, hasHead: true }, e), 'written');
    repo.write('infra/iam.tf', WIDE + '\n# edited after saving\n');
    repo.git('add', '.');
    await assert.rejects(runReview(await stagedInput(repo.dir, e), {}, opts), NeedsFullAnalysis);
  });

  it('a pre-fill under other rules, another version or test detectors is not used by the hook', async () => {
    const repo = repoWith('{}\n');
    repo.write('infra/iam.tf', WIDE);
    const e = env(repo);
    const target = { root: repo.dir, commonDir: path.join(repo.dir, '.git'), path: 'infra/iam.tf', hasHead: true };
    assert.equal(await prefillAnalysis({ ...target, version: 'another-version' }, e), 'written');
    assert.equal(await prefillAnalysis({ ...target, version: VERSION }, { ...e, FOUREYES_TEST_DETECTOR: '1' }), 'skipped');
    assert.equal(await prefillAnalysis({ ...target, version: VERSION }, e), 'written');
    // The rules file changes on disk and is staged with the file: the entry keyed by the old rules is not asked for.
    repo.write('.foureyes/rules.jsonc', '{ "limits": { "maxFileBytes": 100000 } }\n');
    repo.git('add', '.');
    const input = await stagedInput(repo.dir, e);
    assert.deepEqual(uncachedChanges({ changes: input.changes, targetRulesId: input.targetRules?.id, commonDir: input.commonDir }, VERSION).map((c) => c.path), ['infra/iam.tf']);
    await assert.rejects(runReview(input, {}, { version: VERSION, cacheDir: cacheDirFor(input) }), NeedsFullAnalysis);
  });
});
