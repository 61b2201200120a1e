import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  aiLines,
  emptyRecord,
  fingerprintSpan,
  gitBlobId,
  indexContent,
  matchEntry,
  mergeSession,
  originInRange,
  parseProvenance,
  provenancePath,
  pruneEntries,
  readProvenance,
  splitLines,
  writeProvenance,
  type ProvenanceEntry,
} from '../../src/core/provenance';

const POLICY = ['{', '  "Version": "2012-10-17",', '  "Statement": [', '    {', '      "Effect": "Allow",', '      "Action": "*",', '      "Resource": "*"', '    }', '  ]', '}', ''].join('\n');

function entryFor(content: string, startLine: number, endLine: number, over: Partial<ProvenanceEntry> = {}): ProvenanceEntry {
  return {
    id: 'e1',
    session: 's1',
    origin: 'inline-completion',
    at: new Date().toISOString(),
    startLine,
    endLine,
    blob: gitBlobId(content),
    lines: fingerprintSpan(splitLines(content), startLine, endLine),
    ...over,
  };
}

describe('provenance record', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'foureyes-prov-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips through an atomic write and leaves no temp files', () => {
    const rec = emptyRecord();
    rec.files['iam/policy.json'] = [entryFor(POLICY, 6, 6)];
    writeProvenance(dir, rec);
    assert.deepEqual(readProvenance(dir), rec);
    assert.deepEqual(readdirSync(path.join(dir, 'foureyes')), ['provenance.json']);
  });

  it('reads the worktree git dir before the common dir', () => {
    const common = path.join(dir, 'common');
    const wt = path.join(dir, 'wt');
    const a = emptyRecord();
    a.files['a'] = [entryFor(POLICY, 1, 1)];
    writeProvenance(common, a);
    assert.deepEqual(readProvenance(wt, common), a);
    const b = emptyRecord();
    writeProvenance(wt, b);
    assert.deepEqual(readProvenance(wt, common), b);
  });

  it('treats unreadable or foreign records as unknown and drops malformed entries', () => {
    assert.equal(parseProvenance('{'), undefined);
    assert.equal(parseProvenance('{"version":1,"files":{}}'), undefined);
    assert.equal(parseProvenance('[]'), undefined);
    const good = entryFor(POLICY, 6, 6);
    const rec = parseProvenance(JSON.stringify({ version: 2, files: { a: [good, { ...good, origin: 'telepathy' }, { ...good, startLine: 0 }, null], b: 'x' } }));
    assert.deepEqual(rec?.files, { a: [good] });
    mkdirSync(path.dirname(provenancePath(dir)), { recursive: true });
    writeFileSync(provenancePath(dir), 'garbage');
    assert.equal(readProvenance(dir), undefined);
  });

  it('merges one session over the others and drops entries past their age', () => {
    const now = new Date('2025-06-01T00:00:00Z');
    const old = entryFor(POLICY, 1, 1, { id: 'old', session: 'other', at: '2025-01-01T00:00:00Z' });
    const theirs = entryFor(POLICY, 2, 2, { id: 'theirs', session: 'other', at: now.toISOString() });
    const mineBefore = entryFor(POLICY, 3, 3, { id: 'mine-old', session: 'me', at: now.toISOString() });
    const mineNow = entryFor(POLICY, 6, 6, { id: 'mine', session: 'me', at: now.toISOString() });
    const current = { version: 2 as const, files: { a: [old, theirs, mineBefore] } };
    const merged = mergeSession(current, 'me', { b: [mineNow] }, now);
    assert.deepEqual(merged.files, { a: [theirs], b: [mineNow] });
  });
});

describe('provenance matching', () => {
  it('uses the recorded span as is when the blob is the one recorded', () => {
    const e = entryFor(POLICY, 6, 7);
    assert.deepEqual(matchEntry(e, indexContent(POLICY, gitBlobId(POLICY))), [6, 7]);
  });

  it('finds AI-origin lines after lines were added above them', () => {
    const e = entryFor(POLICY, 6, 6);
    const moved = POLICY.replace('"Version": "2012-10-17",', '"Version": "2012-10-17",\n  "Id": "x",\n  "Comment": "y",');
    const lines = aiLines([e], moved, gitBlobId(moved));
    assert.deepEqual([...lines.keys()], [8]);
    assert.equal(splitLines(moved)[7].trim(), '"Action": "*",');
    assert.equal(originInRange(lines, 8, 8), 'inline-completion');
    assert.equal(originInRange(lines, 1, 7), undefined);
  });

  it('survives re-indentation and CRLF line endings', () => {
    const e = entryFor(POLICY, 5, 7);
    const crlf = POLICY.replace(/\n/g, '\r\n').replace(/ {6}/g, '\t\t');
    assert.deepEqual(matchEntry({ ...e, blob: undefined }, indexContent(crlf)), [5, 6, 7]);
  });

  it('takes weak lines (braces) only next to a strong line of the same entry', () => {
    const block = ['{', '"Effect": "Allow",', '"Action": "*"', '}'].join('\n');
    const e = entryFor(block, 1, 4);
    const content = ['}', '', 'x = 1', '{', '"Effect": "Allow",', '"Action": "*"', '}', '}'].join('\n');
    assert.deepEqual(matchEntry({ ...e, blob: undefined }, indexContent(content)), [4, 5, 6, 7]);
  });

  it('places a repeated line where the rest of the entry agrees, not at every copy', () => {
    const stmt = (action: string) => ['{', '"Effect": "Allow",', `"Action": "${action}",`, '"Resource": "*"', '}'];
    const content = [...stmt('s3:GetObject'), ...stmt('*')].join('\n');
    const ai = [...stmt('s3:GetObject'), ...stmt('*')].join('\n');
    const e = entryFor(ai, 6, 10);
    const hit = matchEntry({ ...e, blob: undefined, startLine: 1 }, indexContent('x\n' + content));
    assert.deepEqual(hit, [7, 8, 9, 10, 11]);
  });

  it('an entry of only weak lines needs the whole sequence', () => {
    const e = entryFor('}\n]', 1, 2);
    assert.deepEqual(matchEntry({ ...e, blob: undefined }, indexContent('a\n}\nb\n]')), []);
    assert.deepEqual(matchEntry({ ...e, blob: undefined }, indexContent('a\n}\n]')), [2, 3]);
  });

  it('the most recent entry wins where entries overlap', () => {
    const a = entryFor(POLICY, 6, 6, { origin: 'chat-edit', at: '2025-01-01T00:00:00Z' });
    const b = entryFor(POLICY, 6, 6, { origin: 'agent-write', at: '2025-01-02T00:00:00Z' });
    assert.equal(aiLines([b, a], POLICY).get(6), 'agent-write');
  });

  it('gitBlobId matches git hash-object', () => {
    assert.equal(gitBlobId('hello\n'), 'ce013625030ba8dba906f756967f9e9ca394464a');
  });
});

describe('provenance pruning', () => {
  const e = entryFor(POLICY, 6, 6);
  it('drops entries whose text is committed', () => {
    assert.deepEqual(pruneEntries({ p: [e] }, () => POLICY, () => POLICY), {});
  });
  it('drops entries whose text was discarded, or whose file is gone', () => {
    const reverted = POLICY.replace('"Action": "*"', '"Action": "s3:GetObject"');
    assert.deepEqual(pruneEntries({ p: [e] }, () => reverted, () => reverted), {});
    assert.deepEqual(pruneEntries({ p: [e] }, () => undefined, () => undefined), {});
  });
  it('keeps entries that are present and not committed', () => {
    const head = POLICY.replace('"Action": "*"', '"Action": "s3:GetObject"');
    assert.deepEqual(pruneEntries({ p: [e] }, () => head, () => POLICY), { p: [e] });
    assert.deepEqual(pruneEntries({ p: [e] }, () => undefined, () => POLICY), { p: [e] });
  });
});
