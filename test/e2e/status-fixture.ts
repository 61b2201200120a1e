// A repository with every kind of item the review-status panel shows: approved, stale, pending
// (staged, unstaged, untracked, AI-origin), break-glass, and a commit that bypassed the hook.
// Repository strings carry HTML so every view proves it escapes them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { emptyRecord, fingerprintSpan, gitBlobId, splitLines, writeProvenance } from '../../src/core/provenance';
import * as path from 'node:path';
import { TempRepo } from './repo';

export const XSS_SNIPPET = '<img src=x onerror=alert(1)>';
export const XSS_PATH = 'xss/<b onmouseover=alert(2)>.json';
export const XSS_NOTE = '<script>alert(3)</script> staging only';

function ok(r: { code: number | null; stderr: string }, what: string): void {
  assert.equal(r.code, 0, `${what}: ${r.stderr}`);
}

export function makeStatusFixture(base?: string): TempRepo {
  const repo = new TempRepo(base);
  const alice = repo.key('alice');
  const bob = repo.key('bob');
  repo.write('.foureyes/rules.jsonc', repo.rules([{ id: 'alice@example.com', key: alice }, { id: 'bob@example.com', key: bob }]));
  repo.write('README.txt', 'hello\n');
  repo.git('add', '.');
  ok(repo.commit('init'), 'init');
  ok(repo.cli(['hook', 'install']), 'hook install');

  // Approved by alice, with a note that is HTML.
  repo.write('config/prod.json', '{ "db": "FOUREYES-TEST-high" }\n');
  repo.git('add', '.');
  ok(repo.cli(['approve', '--staged', '--note', XSS_NOTE, '--key', alice]), 'approve prod');
  repo.git('add', '.');
  ok(repo.commit('prod db'), 'commit prod');

  // Approved by bob, then the flagged content changes (staged): the approval goes stale.
  repo.write('config/cache.json', '{ "cache": "FOUREYES-TEST-high" }\n');
  repo.git('add', '.');
  ok(repo.cli(['approve', '--staged', '--note', 'cache host reviewed', '--key', bob]), 'approve cache');
  repo.git('add', '.');
  ok(repo.commit('cache host'), 'commit cache');

  // The rest happens on a feature branch: its commits are the branch's pending work.
  repo.git('checkout', '-q', '-b', 'feature');
  // Committed past the hook.
  repo.write('deploy/iam.json', '{ "role": "FOUREYES-TEST-critical" }\n');
  repo.git('add', '.');
  ok(repo.commit('quick fix', '--no-verify'), 'bypass');

  // Break-glass.
  repo.write('ops/hotfix.json', '{ "endpoint": "FOUREYES-TEST-high-hotfix" }\n');
  repo.git('add', '.');
  ok(repo.cli(['break-glass', '--reason', 'prod outage <i>now</i>']), 'break-glass');
  repo.git('add', '.');
  ok(repo.commit('hotfix'), 'commit hotfix');

  // Pending: a staged stale change, an unstaged edit, an untracked file whose name and content are HTML.
  repo.write('config/cache.json', '{ "cache": "FOUREYES-TEST-high-v2" }\n');
  repo.git('add', 'config/cache.json');
  repo.write('svc/app.json', '{ "url": "FOUREYES-TEST-medium" }\n');
  repo.git('add', 'svc/app.json');
  repo.write('svc/app.json', '{ "url": "FOUREYES-TEST-medium" }\n{ "token": "FOUREYES-TEST-high-agent" }\n');
  repo.write(XSS_PATH, `{ "note": "FOUREYES-TEST-high ${XSS_SNIPPET}" }\n`);

  // The agent wrote svc/app.json: provenance for its current content.
  const content = readFileSync(path.join(repo.dir, 'svc/app.json'), 'utf8');
  const gitDir = repo.git('rev-parse', '--absolute-git-dir').trim();
  const record = emptyRecord();
  record.files['svc/app.json'] = [
    {
      id: 'fixture-agent-write',
      session: 'fixture',
      origin: 'agent-write',
      at: new Date().toISOString(),
      startLine: 2,
      endLine: 2,
      blob: gitBlobId(content),
      lines: fingerprintSpan(splitLines(content), 2, 2),
    },
  ];
  writeProvenance(gitDir, record);
  return repo;
}
