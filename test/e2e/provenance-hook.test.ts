// The hook reads the provenance record the extension writes: staged findings in AI-origin text
// are marked, even when the file changed above the AI text after it was recorded.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { fingerprintSpan, gitBlobId, provenancePath, splitLines, writeProvenance, type ProvenanceEntry } from '../../src/core/provenance';
import { TempRepo } from './repo';

const AI_TEXT = '{\n  "name": "svc",\n  "db": "FOUREYES-TEST-high"\n}\n';

function entry(content: string, line: number): ProvenanceEntry {
  return { id: 'x', session: 'test', origin: 'inline-completion', at: new Date().toISOString(), startLine: line, endLine: line, blob: gitBlobId(content), lines: fingerprintSpan(splitLines(content), line, line) };
}

describe('e2e: AI origin in the hook', function () {
  this.timeout(60_000);
  let repo: TempRepo;
  beforeEach(() => {
    repo = new TempRepo();
    repo.write('README.txt', 'hello\n');
    repo.git('add', '.');
    assert.equal(repo.commit('init').code, 0);
  });
  afterEach(() => repo.cleanup());

  function gitDir(): string {
    return path.resolve(repo.dir, repo.git('rev-parse', '--git-dir').trim());
  }

  it('marks a staged finding as AI-origin after lines were added above the AI text', () => {
    writeProvenance(gitDir(), { version: 2, files: { 'config/app.json': [entry(AI_TEXT, 3)] } });
    const edited = '{\n  "owner": "team-a",\n  "tier": "gold",\n  "name": "svc",\n  "db": "FOUREYES-TEST-high"\n}\n';
    repo.write('config/app.json', edited);
    repo.git('add', '.');
    const text = repo.cli(['check', '--staged']);
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stderr, /config\/app\.json:5 .*\[AI: inline-completion\]/);
    const json = repo.cli(['check', '--staged', '--format', 'json']);
    const out = JSON.parse(json.stdout) as { findings: Array<{ path: string; aiOrigin?: string }> };
    assert.equal(out.findings[0].aiOrigin, 'inline-completion');
  });

  it('does not mark findings in text the record does not cover', () => {
    writeProvenance(gitDir(), { version: 2, files: { 'config/app.json': [entry(AI_TEXT, 2)] } });
    repo.write('config/app.json', '{\n  "db": "FOUREYES-TEST-high"\n}\n');
    repo.git('add', '.');
    const json = repo.cli(['check', '--staged', '--format', 'json']);
    const out = JSON.parse(json.stdout) as { findings: Array<{ aiOrigin?: string }> };
    assert.equal(out.findings.length, 1);
    assert.equal(out.findings[0].aiOrigin, undefined);
  });

  it('with a corrupted record, says so and fails closed under review.require "ai-only"', () => {
    assert.equal(repo.cli(['hook', 'install']).code, 0);
    repo.write('.foureyes/rules.jsonc', '{ "review": { "require": "ai-only" } }\n');
    repo.git('add', '.');
    assert.equal(repo.commit('rules').code, 0);
    repo.write('config/app.json', '{\n  "db": "FOUREYES-TEST-high"\n}\n');
    repo.git('add', '.');
    // Without a record, nothing is AI text: "ai-only" lets the human-written change through.
    assert.equal(repo.commit('human').code, 0);
    const record = provenancePath(gitDir());
    const corrupt = '{"version": 2, "files": {"config/app.json": [';
    writeFileSync(record, corrupt);
    repo.write('config/app.json', '{\n  "db": "FOUREYES-TEST-high",\n  "cache": "FOUREYES-TEST-high-2"\n}\n');
    repo.git('add', '.');
    const blocked = repo.commit('with a corrupted record');
    assert.equal(blocked.code, 1, blocked.stdout + blocked.stderr);
    assert.match(blocked.stderr, /AI provenance record cannot be used \(.*provenance.*not a version 2 provenance record/);
    assert.match(blocked.stderr, /every finding needs review/);
    assert.match(blocked.stderr, /config\/app\.json:3/);
    // The hook only reads the record: what the extension wrote stays as it was.
    assert.equal(readFileSync(record, 'utf8'), corrupt);
  });

  it('with a corrupted record and the default policy, blocks as usual and says why nothing is marked AI', () => {
    assert.equal(repo.cli(['hook', 'install']).code, 0);
    writeFileSync(provenancePath(gitDir()), Buffer.from([0xff, 0xfe, 0x00, 0x7b]));
    repo.write('config/app.json', '{\n  "db": "FOUREYES-TEST-high"\n}\n');
    repo.git('add', '.');
    const r = repo.commit('risky');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /AI provenance record cannot be used/);
    assert.doesNotMatch(r.stderr, /every finding needs review/);
  });

  it('never lets the record into a commit', () => {
    writeProvenance(gitDir(), { version: 2, files: {} });
    assert.equal(repo.git('status', '--porcelain', '--ignored').trim(), '');
  });
});
