// The hook reads the provenance record the extension writes: staged findings in AI-origin text
// are marked, even when the file changed above the AI text after it was recorded.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { fingerprintSpan, gitBlobId, splitLines, writeProvenance, type ProvenanceEntry } from '../../src/core/provenance';
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

  it('never lets the record into a commit', () => {
    writeProvenance(gitDir(), { version: 2, files: {} });
    assert.equal(repo.git('status', '--porcelain', '--ignored').trim(), '');
  });
});
