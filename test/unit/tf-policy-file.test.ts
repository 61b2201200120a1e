// A policy file that Terraform reads with file()/templatefile() is one risk, reported in one
// place: the policy file when the run analyses it and the .tf change does not change what it
// reads; the file() call site when the .tf change is what points the policy at the risky file.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCase, runCase } from './qa-cases';
import { runCli } from './helpers';

const ADMIN = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}\n';
const ADMIN_REFORMATTED = '{\n  "Version": "2012-10-17",\n  "Statement": [{ "Effect": "Allow", "Action": "*", "Resource": "*" }]\n}\n';
const NARROW = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}\n';
const tf = (file: string, name = 'p') => `resource "aws_iam_policy" "${name}" {\n  name   = "${name}"\n  policy = file("\${path.module}/${file}")\n}\n`;

async function where(text: string): Promise<string[]> {
  const findings = await runCase(parseCase('t', text));
  return findings.filter((f) => f.severity !== 'low').map((f) => `${f.path} ${f.ruleId}`).sort();
}

describe('Terraform file() policies are reported once', () => {
  it('scan: in the policy file, not again at the file() call', async () => {
    assert.deepEqual(await where(`mode: scan\nexpect: none\n=== after m/main.tf\n${tf('p.json')}=== after m/p.json\n${ADMIN}`), ['m/p.json iam/aws-admin-access']);
  });

  it('scan: at the call site when the policy file is ignored by the rules', async () => {
    const text = `mode: scan\nexpect: none\nrules: {"ignore": ["m/*.json"]}\n=== after m/main.tf\n${tf('p.json')}=== after m/p.json\n${ADMIN}`;
    assert.deepEqual(await where(text), ['m/main.tf iam/aws-admin-access']);
  });

  it('diff: a new policy resource and its new policy file give one finding, in the file', async () => {
    assert.deepEqual(await where(`expect: none\n=== after m/main.tf\n${tf('p.json')}=== after m/p.json\n${ADMIN}`), ['m/p.json iam/aws-admin-access']);
  });

  it('diff: widening the policy file the .tf already reads is reported in the file only', async () => {
    const text = `expect: none\n=== both m/main.tf\n${tf('p.json')}=== before m/p.json\n${NARROW}=== after m/p.json\n${ADMIN}`;
    assert.deepEqual(await where(text), ['m/p.json iam/aws-admin-access']);
  });

  it('diff: the .tf edited while the file it reads widens: still once, in the file', async () => {
    const text = `expect: none\n=== before m/main.tf\n${tf('p.json')}=== after m/main.tf\n# reviewed\n${tf('p.json')}=== before m/p.json\n${NARROW}=== after m/p.json\n${ADMIN}`;
    assert.deepEqual(await where(text), ['m/p.json iam/aws-admin-access']);
  });

  it('diff: pointing the policy at an existing admin file is reported at the call site', async () => {
    const text = `expect: none\n=== before m/main.tf\n${tf('narrow.json')}=== after m/main.tf\n${tf('admin.json')}=== both m/narrow.json\n${NARROW}=== both m/admin.json\n${ADMIN}`;
    assert.deepEqual(await where(text), ['m/main.tf iam/aws-admin-access']);
  });

  it('diff: pointing at an existing admin file that the change only reformats is still reported at the call site', async () => {
    const text = `expect: none\n=== before m/main.tf\n${tf('narrow.json')}=== after m/main.tf\n${tf('admin.json')}=== both m/narrow.json\n${NARROW}=== before m/admin.json\n${ADMIN}=== after m/admin.json\n${ADMIN_REFORMATTED}`;
    assert.deepEqual(await where(text), ['m/main.tf iam/aws-admin-access']);
  });

  it('diff: a new policy resource reading an existing admin file is reported at the call site', async () => {
    const text = `expect: none\n=== before m/main.tf\n${tf('narrow.json', 'a')}=== after m/main.tf\n${tf('narrow.json', 'a')}${tf('admin.json', 'b')}=== both m/narrow.json\n${NARROW}=== before m/admin.json\n${ADMIN}=== after m/admin.json\n${ADMIN_REFORMATTED}`;
    assert.deepEqual(await where(text), ['m/main.tf iam/aws-admin-access']);
  });

  it('diff: pointing at a file that widens in the same change: the widening is the file\'s own, the .tf adds nothing', async () => {
    const text = `expect: none\n=== before m/main.tf\n${tf('narrow.json')}=== after m/main.tf\n${tf('p.json')}=== both m/narrow.json\n${NARROW}=== before m/p.json\n${NARROW}=== after m/p.json\n${ADMIN}`;
    assert.deepEqual(await where(text), ['m/p.json iam/aws-admin-access']);
  });

  it('diff: pointing at a file that narrows in the same change is not a finding anywhere', async () => {
    const text = `expect: none\n=== before m/main.tf\n${tf('narrow.json')}=== after m/main.tf\n${tf('p.json')}=== both m/narrow.json\n${NARROW}=== before m/p.json\n${ADMIN}=== after m/p.json\n${NARROW}`;
    assert.deepEqual(await where(text), []);
  });

  it('scan: a file holding a bare statement (not a policy on its own) is reported at the call site', async () => {
    const bare = '{"Effect":"Allow","Action":"*","Resource":"*"}\n';
    assert.deepEqual(await where(`mode: scan\nexpect: none\n=== after m/main.tf\n${tf('p.json')}=== after m/p.json\n${bare}`), ['m/main.tf iam/aws-admin-access']);
    assert.deepEqual(await where(`mode: scan\nexpect: none\n=== after m/main.tf\n${tf('p.json')}=== after m/p.json\n[${bare.trim()}]\n`), ['m/main.tf iam/aws-admin-access']);
  });

  it('diff: a bare-statement file the .tf reads, widened while the .tf is edited, is reported at the call site', async () => {
    const both = `expect: none\n=== before m/main.tf\n${tf('p.json')}=== after m/main.tf\n# edited\n${tf('p.json')}=== before m/p.json\n{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}\n=== after m/p.json\n{"Effect":"Allow","Action":"*","Resource":"*"}\n`;
    assert.deepEqual(await where(both), ['m/main.tf iam/aws-admin-access']);
  });

  describe('CLI', () => {
    let tmp: string;
    before(() => {
      tmp = mkdtempSync(path.join(os.tmpdir(), 'foureyes-tf-file-'));
      for (const side of ['before', 'after']) mkdirSync(path.join(tmp, side, 'm'), { recursive: true });
      writeFileSync(path.join(tmp, 'after/m/main.tf'), tf('p.json'));
      writeFileSync(path.join(tmp, 'after/m/p.json'), ADMIN);
    });
    after(() => rmSync(tmp, { recursive: true, force: true }));

    for (const args of [['scan', 'after'], ['diff', 'before', 'after']]) {
      it(`${args[0]} reports the policy once, in the policy file`, () => {
        const r = runCli([...args, '--format', 'json'], { cwd: tmp });
        assert.equal(r.code, 1, r.stderr);
        const found = (JSON.parse(r.stdout) as { findings: Array<{ path: string; ruleId: string }> }).findings.map((f) => `${f.path} ${f.ruleId}`);
        assert.deepEqual(found, [`${args[0] === 'scan' ? 'after/' : ''}m/p.json iam/aws-admin-access`]);
      });
    }
  });
});
