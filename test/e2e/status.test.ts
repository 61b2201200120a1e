// `foureyes status --format json` on a repository with every kind of item, and the incremental
// per-commit history (what the review-status panel refreshes from).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { FULL_TOOLS } from '../../src/cli/review-run';
import type { StatusReport } from '../../src/core/review/report';
import { CommitHistoryCache, recentCommits, reviewHistory } from '../../src/core/status-history';
import type { TempRepo } from './repo';
import { makeStatusFixture, XSS_NOTE, XSS_PATH, XSS_SNIPPET } from './status-fixture';

describe('e2e: foureyes status (panel data)', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  let report: StatusReport;
  before(() => {
    repo = makeStatusFixture();
    const r = repo.cli(['status', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    report = JSON.parse(r.stdout) as StatusReport;
  });
  after(() => repo.cleanup());

  it('lists pending findings from the working tree, the index and the branch with state and snippets', () => {
    const by = (p: string, line = 1) => report.findings.find((f) => f.path === p && f.line === line);
    assert.equal(by('config/cache.json')?.source, 'index');
    assert.equal(by('config/cache.json')?.state, 'stale');
    assert.equal(by('svc/app.json', 2)?.source, 'working-tree');
    assert.equal(by('svc/app.json', 2)?.aiOrigin, 'agent-write');
    const xss = by(XSS_PATH);
    assert.equal(xss?.source, 'working-tree');
    assert.ok(xss?.after?.includes(XSS_SNIPPET));
    const branch = by('deploy/iam.json');
    assert.equal(branch?.source, 'branch');
    assert.equal(branch?.state, 'required');
    assert.equal(branch?.severity, 'critical');
    assert.ok(branch?.commit && branch.since, 'a branch finding carries the commit that introduced it and its date');
    assert.equal(by('ops/hotfix.json')?.state, 'break-glass');
    for (const f of report.findings) assert.ok(f.since, `${f.path} has an age`);
    assert.equal(report.base?.ref, 'main');
  });

  it('reports approvals with who, why and when, marks the one whose content changed as stale', () => {
    const prod = report.records.find((r) => r.findings.some((f) => f.path === 'config/prod.json'));
    assert.equal(prod?.reviewer, 'alice@example.com');
    assert.equal(prod?.note, XSS_NOTE);
    assert.ok(prod?.commit?.id);
    assert.equal(prod?.staleFingerprints, undefined);
    const cache = report.records.find((r) => r.findings.some((f) => f.path === 'config/cache.json'));
    assert.equal(cache?.staleFingerprints?.length, 1);
    assert.equal(report.records.filter((r) => r.state === 'break-glass').length, 1);
  });

  it('names the commit that bypassed the hook, and counts history by category', () => {
    assert.deepEqual(report.bypassed?.map((b) => [b.subject, b.inBranch, b.findings]), [['quick fix', true, 1]]);
    const h = report.history!;
    assert.equal(h.by, 'week');
    assert.equal(h.buckets.length, 12);
    assert.equal(h.buckets.at(-1)!.byCategory.endpoint, 4, 'prod, cache, iam, hotfix were introduced this week');
    assert.deepEqual(h.categories, ['endpoint']);
    const s = report.summary!;
    assert.equal(s.byState.required, 3);
    assert.equal(s.riskyAiOrigin, 1);
    assert.equal(s.bypassed, 1);
    assert.equal(s.records.stale, 1);
  });

  it('charts by commit on request and validates its options', () => {
    const r = repo.cli(['status', '--format', 'json', '--commits', '3']);
    const h = (JSON.parse(r.stdout) as StatusReport).history!;
    assert.equal(h.by, 'commit');
    assert.equal(h.buckets.length, 3);
    const bad = repo.cli(['status', '--weeks', '0']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--weeks must be a positive whole number/);
  });

  it('reviews only commits it has not seen before', async () => {
    const saved = process.env.FOUREYES_TEST_DETECTOR;
    process.env.FOUREYES_TEST_DETECTOR = '1';
    try {
      const file = path.join(repo.dir, '.git/foureyes/cache/status-history.json');
      const run = async () => {
        const cache = new CommitHistoryCache(file, 'test-version');
        return reviewHistory(repo.dir, recentCommits(repo.dir, 'HEAD', 50, repo.env), repo.env, { tools: FULL_TOOLS, version: 'test-version', cache });
      };
      const first = await run();
      assert.equal(first.reviewed, first.reviews.length);
      assert.equal((await run()).reviewed, 0);
      repo.git('commit', '-q', '--allow-empty', '--no-verify', '-m', 'empty');
      const third = await run();
      assert.equal(third.reviewed, 1);
      assert.equal(third.reviews[0].subject, 'empty');
    } finally {
      if (saved === undefined) delete process.env.FOUREYES_TEST_DETECTOR;
      else process.env.FOUREYES_TEST_DETECTOR = saved;
    }
  });
});
