// The hook reads what a staged .tf file's policies depend on (file() targets, the module's other
// .tf files for merged policy documents) from HEAD and the index, as scan reads them from disk;
// only when the staged text names such a reference.
import assert from 'node:assert/strict';
import { TempRepo } from './repo';

const NARROW = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}\n';
const ADMIN = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}\n';
const policyTf = (file: string) => `resource "aws_iam_policy" "deploy" {\n  name   = "deploy"\n  policy = file("\${path.module}/${file}")\n}\n`;
const BASE_DOC = 'data "aws_iam_policy_document" "base" {\n  statement {\n    actions   = ["iam:*"]\n    resources = ["*"]\n  }\n}\n';
const mergedTf = (sources: string) =>
  `data "aws_iam_policy_document" "combined" {\n  source_policy_documents = [${sources}]\n  statement {\n    actions   = ["s3:GetObject"]\n    resources = ["arn:aws:s3:::b/*"]\n  }\n}\n\nresource "aws_iam_policy" "combined" {\n  name   = "combined"\n  policy = data.aws_iam_policy_document.combined.json\n}\n`;

interface Checked {
  code: number | null;
  findings: Array<{ path: string; ruleId: string; severity: string; message: string }>;
  stderr: string;
}

function check(repo: TempRepo): Checked {
  const r = repo.cli(['check', '--staged', '--format', 'json'], { env: { FOUREYES_TEST_DETECTOR: '0', FOUREYES_TRACE: '1' } });
  const out = JSON.parse(r.stdout) as { findings: Checked['findings'] };
  return { code: r.code, findings: out.findings, stderr: r.stderr };
}

const brief = (c: Checked) => c.findings.map((f) => `${f.path} ${f.ruleId}`).sort();

describe('e2e: the hook resolves Terraform module references from HEAD and the index', function () {
  this.timeout(60_000);
  const repos: TempRepo[] = [];
  after(() => repos.forEach((r) => r.cleanup()));

  function repoWith(files: Record<string, string>): TempRepo {
    const repo = new TempRepo();
    repos.push(repo);
    for (const [p, t] of Object.entries(files)) repo.write(p, t);
    repo.git('add', '.');
    repo.git('-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'init');
    return repo;
  }

  it('a .tf change pointing a policy at an existing admin file is blocked at the file() call, resolved', () => {
    const repo = repoWith({ 'infra/main.tf': policyTf('narrow.json'), 'infra/narrow.json': NARROW, 'infra/admin.json': ADMIN });
    repo.write('infra/main.tf', policyTf('admin.json'));
    repo.git('add', 'infra/main.tf');
    const c = check(repo);
    assert.equal(c.code, 1, c.stderr);
    assert.deepEqual(brief(c), ['infra/main.tf iam/aws-admin-access']);
    assert.match(c.stderr, /read 2 referenced files/);
  });

  it('reads the staged version of the referenced file, not the working tree', () => {
    const repo = repoWith({ 'infra/main.tf': policyTf('narrow.json'), 'infra/narrow.json': NARROW, 'infra/p.json': NARROW });
    repo.write('infra/main.tf', policyTf('p.json'));
    repo.git('add', 'infra/main.tf');
    repo.write('infra/p.json', ADMIN); // not staged
    assert.deepEqual(brief(check(repo)), []);
    repo.git('add', 'infra/p.json');
    assert.deepEqual(brief(check(repo)), ['infra/p.json iam/aws-admin-access']);
  });

  it('merged policy documents from another .tf file of the module are resolved, not "unresolved"', () => {
    const repo = repoWith({ 'mod/base.tf': BASE_DOC, 'mod/main.tf': mergedTf(''), 'other/base.tf': 'data "aws_iam_policy_document" "unrelated" {}\n' });
    repo.write('mod/main.tf', mergedTf('data.aws_iam_policy_document.base.json'));
    repo.git('add', '.');
    const c = check(repo);
    assert.equal(c.code, 1, c.stderr);
    const ids = brief(c);
    assert.ok(ids.includes('mod/main.tf iam/aws-admin-access') || ids.some((i) => i.startsWith('mod/main.tf iam/aws-') && !i.endsWith('unresolved-value')), ids.join(', '));
    assert.ok(!ids.some((i) => i.endsWith('iam/aws-unresolved-value')), ids.join(', '));
  });

  it('a new policy and its new policy file: one finding, which one approval covers', () => {
    const repo = repoWith({ 'README.md': 'x\n' });
    const alice = repo.key('alice');
    repo.write('.foureyes/rules.jsonc', repo.rules([{ id: 'alice@example.com', key: alice }]));
    repo.git('add', '.');
    repo.git('-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'rules');
    assert.equal(repo.cli(['hook', 'install']).code, 0);
    repo.write('infra/main.tf', policyTf('p.json'));
    repo.write('infra/p.json', ADMIN);
    repo.git('add', '.');
    assert.deepEqual(brief(check(repo)), ['infra/p.json iam/aws-admin-access']);
    const blocked = repo.commit('admin policy');
    assert.equal(blocked.code, 1, blocked.stderr);
    assert.match(blocked.stderr, /infra\/p\.json:1 {2}iam\/aws-admin-access/);
    const ap = repo.cli(['approve', '--staged', '--note', 'break-glass role', '--key', alice], { env: { FOUREYES_TEST_DETECTOR: '0' } });
    assert.equal(ap.code, 0, ap.stderr);
    const ok = repo.commit('admin policy');
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('verify over a range reads the referenced files at the range ends', () => {
    const repo = repoWith({ 'infra/main.tf': policyTf('narrow.json'), 'infra/narrow.json': NARROW, 'infra/admin.json': ADMIN });
    const base = repo.git('rev-parse', 'HEAD').trim();
    repo.write('infra/main.tf', policyTf('admin.json'));
    repo.git('add', '.');
    repo.git('-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'point at admin');
    const r = repo.cli(['verify', '--range', `${base}..HEAD`, '--format', 'json'], { env: { FOUREYES_TEST_DETECTOR: '0' } });
    assert.equal(r.code, 1, r.stderr);
    const found = (JSON.parse(r.stdout) as { findings: Checked['findings'] }).findings.map((f) => `${f.path} ${f.ruleId}`);
    assert.deepEqual(found, ['infra/main.tf iam/aws-admin-access']);
  });

  it('a commit without module references runs no extra git for them', () => {
    const repo = repoWith({ 'infra/main.tf': policyTf('narrow.json'), 'infra/narrow.json': NARROW });
    repo.write('infra/other.tf', 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n');
    repo.git('add', '.');
    const c = check(repo);
    assert.equal(c.code, 0, c.stderr);
    assert.doesNotMatch(c.stderr, /referenced files/);
  });
});
