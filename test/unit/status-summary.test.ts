import assert from 'node:assert/strict';
import type { StatusFinding, StatusRecord } from '../../src/core/review/report';
import type { CommitFinding, CommitReview } from '../../src/core/status-history';
import { bypassedCommits, historyBuckets, markStaleRecords, summarize } from '../../src/core/status-summary';

const NOW = new Date('2026-03-01T00:00:00Z');
const DAY = 86_400_000;

function cf(category: CommitFinding['category'], over: Partial<CommitFinding> = {}): CommitFinding {
  return { fingerprint: 'f'.repeat(64), ruleId: 'r', category, severity: 'high', path: 'a', line: 1, endLine: 1, blob: 'b', state: 'approved', required: 1, ...over };
}

function commit(id: string, daysAgo: number, findings: CommitFinding[], over: Partial<CommitReview> = {}): CommitReview {
  return { id: id.padEnd(40, '0'), date: new Date(NOW.getTime() - daysAgo * DAY).toISOString(), author: 'dev@x', subject: id, merge: false, findings, blocked: false, errors: [], ...over };
}

function sf(over: Partial<StatusFinding>): StatusFinding {
  return { ruleId: 'r', severity: 'high', path: 'a', line: 1, message: 'm', fingerprint: '1', state: 'required', required: 1, approvedBy: [], problems: [], ...over };
}

describe('status summary', () => {
  it('buckets findings per week, oldest first, and counts AI-origin ones', () => {
    const reviews = [commit('c3', 1, [cf('iam'), cf('iam', { blob: 'ai' })]), commit('c2', 8, [cf('drift')]), commit('c1', 100, [cf('ci')])];
    const h = historyBuckets(reviews, { by: 'week', count: 4, now: NOW, aiOf: (_p, blob) => (blob === 'ai' ? 'chat-edit' : undefined) });
    assert.equal(h.buckets.length, 4);
    assert.deepEqual(h.buckets.map((b) => b.total), [0, 0, 1, 2]);
    assert.deepEqual(h.buckets[3].byCategory, { iam: 2 });
    assert.equal(h.buckets[3].aiOrigin, 1);
    assert.deepEqual(h.categories, ['iam', 'drift'], 'only categories seen in the window, in the fixed order');
    assert.equal(h.commitsScanned, 3);
  });

  it('buckets per commit, newest N, oldest first', () => {
    const h = historyBuckets([commit('c3', 1, [cf('iam')]), commit('c2', 2, []), commit('c1', 3, [cf('ci')])], { by: 'commit', count: 2, now: NOW });
    assert.deepEqual(h.buckets.map((b) => b.label), ['c200000', 'c300000']);
    assert.deepEqual(h.buckets.map((b) => b.total), [0, 1]);
  });

  it('lists blocked non-merge commits as bypassed, with their open findings', () => {
    const reviews = [
      commit('a', 1, [cf('iam', { state: 'required', fingerprint: 'x' }), cf('iam', { state: 'approved' })], { blocked: true }),
      commit('b', 1, [], { blocked: true, merge: true }),
      commit('c', 1, []),
    ];
    const b = bypassedCommits(reviews, new Set(['a'.padEnd(40, '0')]));
    assert.equal(b.length, 1);
    assert.deepEqual([b[0].findings, b[0].fingerprints, b[0].inBranch], [1, ['x'], true]);
  });

  it('marks an approval stale only when its rule and path now flag other content', () => {
    const rec = (fp: string, p = 'a'): StatusRecord => ({ path: `.foureyes/approvals/${fp}.json`, kind: 'approval', state: 'valid', problems: [], findings: [{ fingerprint: fp, ruleId: 'r', path: p, summary: '' }] });
    const out = markStaleRecords([rec('old'), rec('same'), rec('gone', 'b')], [sf({ fingerprint: 'new' }), sf({ fingerprint: 'same' })]);
    assert.deepEqual(out.map((r) => r.staleFingerprints), [['old'], undefined, undefined]);
  });

  it('counts states, severities, and AI-origin among findings that need review', () => {
    const s = summarize([sf({ aiOrigin: 'agent-write' }), sf({ state: 'approved', severity: 'critical', aiOrigin: 'paste' }), sf({ state: 'not-required', required: 0, aiOrigin: 'chat-edit' })], [], []);
    assert.deepEqual(s.byState, { required: 1, approved: 1, 'not-required': 1 });
    assert.deepEqual(s.bySeverity, { high: 2, critical: 1 });
    assert.deepEqual([s.risky, s.riskyAiOrigin], [2, 1]);
  });
});
