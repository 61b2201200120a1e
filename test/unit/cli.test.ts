import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Ajv04 from 'ajv-draft-04';
import { REPO_ROOT, runCli } from './helpers';

/** An AWS policy whose statement grants everything: the IAM detector flags it at 4:5. */
const ADMIN_POLICY = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": "*",\n      "Resource": "*"\n    }\n  ]\n}\n';
const NARROW_POLICY = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": "s3:GetObject",\n      "Resource": "arn:aws:s3:::bucket/*"\n    }\n  ]\n}\n';
const ANSI = /\x1b\[/;

let tmp: string;

function write(rel: string, content: string | Uint8Array): string {
  const abs = path.join(tmp, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, content);
  return abs;
}

function sarifValidator() {
  const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///root/'));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(schema);
}

describe('CLI', () => {
  before(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'foureyes-cli-'));
    mkdirSync(path.join(tmp, '.git'));
    write('before/iam/policy.json', NARROW_POLICY);
    write('after/iam/policy.json', ADMIN_POLICY);
    write('after/iam/unchanged.json', NARROW_POLICY);
    write('before/iam/unchanged.json', NARROW_POLICY);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  describe('help, version and usage errors', () => {
    it('prints help and version with exit 0', () => {
      const help = runCli(['--help']);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^usage: foureyes <command>/);
      for (const c of ['scan', 'diff', 'init']) assert.match(help.stdout, new RegExp(`\\n  ${c} `));
      const version = runCli(['--version']);
      assert.equal(version.code, 0);
      assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    });

    it('prints per-command help listing the command options', () => {
      for (const c of ['scan', 'diff', 'init']) {
        const r = runCli([c, '--help']);
        assert.equal(r.code, 0, c);
        assert.match(r.stdout, new RegExp(`^usage: foureyes ${c}`));
      }
      const scan = runCli(['help', 'scan']).stdout;
      for (const opt of ['--format', '--min-severity', '--rules', '--no-color', '--strict']) assert.ok(scan.includes(opt), opt);
    });

    it('exits 2 with one line on stderr for every usage error', () => {
      const cases: Array<[string[], RegExp]> = [
        [[], /^foureyes: no command given/],
        [['scna'], /^foureyes: unknown command 'scna'; did you mean 'scan'\?/],
        [['scan', '--frmat', 'json'], /^foureyes scan: Unknown option '--frmat' \(see foureyes scan --help\)/],
        [['scan', '--format', 'xml'], /^foureyes scan: --format must be text, json or sarif, not 'xml'/],
        [['scan', '--min-severity', 'severe'], /^foureyes scan: --min-severity must be low, medium, high or critical/],
        [['scan', 'no/such/path'], /^foureyes scan: no such file or directory: no\/such\/path/],
        [['diff', 'a'], /^foureyes diff: diff needs exactly two paths/],
        [['scan', '--rules', 'missing.jsonc'], /^foureyes scan: rules file not found: missing.jsonc/],
      ];
      for (const [args, pattern] of cases) {
        const r = runCli(args, { cwd: tmp });
        assert.equal(r.code, 2, args.join(' '));
        assert.match(r.stderr, pattern, args.join(' '));
        assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line: ${r.stderr}`);
        assert.equal(r.stdout, '', args.join(' '));
      }
    });

    it('exits 2 naming file, line and key path for an invalid rules file', () => {
      write('bad-rules/.foureyes/rules.jsonc', '{\n  // prod accounts\n  "production": { "awsAccounts": ["123456789012", "12345"] },\n  "ignor": []\n}\n');
      const r = runCli(['scan', '.'], { cwd: path.join(tmp, 'bad-rules') });
      assert.equal(r.code, 2);
      assert.equal(
        r.stderr,
        'foureyes scan: rules file error: .foureyes/rules.jsonc:3: production.awsAccounts[1]: must be a 12-digit AWS account id (and 1 more problem in this file)\n',
      );
    });

    it('warns on stderr about unknown rule ids but still runs', () => {
      write('warn-rules/.foureyes/rules.jsonc', '{ "rules": { "iam/aws-admin-acess": "off" } }\n');
      write('warn-rules/x.json', '{}');
      const r = runCli(['scan', '.'], { cwd: path.join(tmp, 'warn-rules') });
      assert.equal(r.code, 0);
      assert.match(r.stderr, /^foureyes: warning: \.foureyes\/rules\.jsonc:1: rules\["iam\/aws-admin-acess"\]: no rule with this id .*did you mean "iam\/aws-admin-access"\?\n$/);
    });
  });

  describe('output formats', () => {
    it('text: path:line:col  severity  ruleId  message, then a summary; no colour off a TTY', () => {
      const r = runCli(['diff', 'before', 'after'], { cwd: tmp });
      assert.equal(r.code, 1, r.stderr);
      const lines = r.stdout.trimEnd().split('\n');
      assert.match(lines[0], /^iam\/policy\.json:4:5  critical  iam\/aws-admin-access  \S.*$/);
      assert.match(lines[lines.length - 1], /^1 finding in 2 files \(1 critical\)$/);
      assert.doesNotMatch(r.stdout, ANSI);
      assert.equal(r.stderr, '');
    });

    it('colours only when asked to or on a TTY, and --no-color wins', () => {
      const forced = runCli(['diff', 'before', 'after', '--color'], { cwd: tmp, env: { NO_COLOR: undefined } });
      assert.match(forced.stdout, ANSI);
      assert.doesNotMatch(runCli(['--no-color', 'diff', 'before', 'after', '--color'], { cwd: tmp, env: { NO_COLOR: undefined } }).stdout, ANSI);
      assert.doesNotMatch(runCli(['diff', 'before', 'after', '--color'], { cwd: tmp, env: { NO_COLOR: '1' } }).stdout, ANSI);
    });

    it('--min-severity filters and sets the exit code', () => {
      const r = runCli(['diff', 'before', 'after', '--min-severity', 'critical'], { cwd: tmp });
      assert.equal(r.code, 1);
      write('rules-high/.foureyes/rules.jsonc', '{ "rules": { "iam/*": "medium" } }');
      const lowered = runCli(['diff', 'before', 'after', '--min-severity', 'high', '--rules', 'rules-high/.foureyes/rules.jsonc'], { cwd: tmp });
      assert.equal(lowered.code, 0, lowered.stdout);
      assert.match(lowered.stdout, /^no findings in 2 files\n$/);
    });

    it('json: exactly { version: 1, findings, notes }', () => {
      const r = runCli(['diff', 'before', 'after', '--format', 'json'], { cwd: tmp });
      assert.equal(r.code, 1);
      const report = JSON.parse(r.stdout);
      assert.deepEqual(Object.keys(report), ['version', 'findings', 'notes']);
      assert.equal(report.version, 1);
      assert.equal(report.findings.length, 1);
      const f = report.findings[0];
      assert.equal(f.path, 'iam/policy.json');
      assert.deepEqual(f.range, { startLine: 4, startColumn: 5, endLine: 8, endColumn: 6 });
      assert.match(f.fingerprint, /^[0-9a-f]{64}$/);
    });

    it('sarif: valid SARIF 2.1.0 with rules, helpUri, fingerprints and notes', () => {
      write('after/huge.json', `{"a": "${'x'.repeat(3 * 1024 * 1024)}"}`);
      const r = runCli(['diff', 'before', 'after', '--format', 'sarif'], { cwd: tmp });
      rmSync(path.join(tmp, 'after/huge.json'));
      assert.equal(r.code, 1);
      const validate = sarifValidator();
      assert.ok(validate(JSON.parse(r.stdout)), JSON.stringify(validate.errors, null, 2));
      const sarif = JSON.parse(r.stdout);
      const run = sarif.runs[0];
      assert.equal(sarif.version, '2.1.0');
      assert.equal(run.tool.driver.name, 'Four Eyes');
      const rule = run.tool.driver.rules[run.results[0].ruleIndex];
      assert.equal(rule.id, 'iam/aws-admin-access');
      assert.match(rule.helpUri, /^https:\/\/.*\/docs\/rules\/iam\/aws-admin-access\.md$/);
      assert.match(rule.properties['security-severity'], /^\d+\.\d$/);
      assert.match(run.results[0].partialFingerprints['foureyes/v1'], /^[0-9a-f]{64}$/);
      assert.equal(run.results[0].locations[0].physicalLocation.artifactLocation.uri, 'iam/policy.json');
      const notes = run.invocations[0].toolExecutionNotifications;
      assert.ok(notes.some((n: { message: { text: string } }) => /skipped: 3\.0 MB is over the 2\.0 MB limit/.test(n.message.text)));
    });

    it('sarif with no findings is valid too', () => {
      const r = runCli(['scan', 'before', '--format', 'sarif'], { cwd: tmp });
      assert.equal(r.code, 0);
      const validate = sarifValidator();
      assert.ok(validate(JSON.parse(r.stdout)), JSON.stringify(validate.errors));
    });
  });

  describe('fingerprints through the CLI', () => {
    const fp = (text: string) => {
      write('fp/policy.json', text);
      const report = JSON.parse(runCli(['scan', 'fp/policy.json', '--format', 'json'], { cwd: tmp }).stdout);
      return (report.findings as Array<{ ruleId: string; fingerprint: string }>).filter((f) => f.ruleId === 'iam/aws-admin-access').map((f) => f.fingerprint);
    };

    it('survive inserted lines and re-indentation, and change with the risky content', () => {
      const [base] = fp(ADMIN_POLICY);
      assert.ok(base);
      const shifted = ADMIN_POLICY.replace('{\n', '{\n  "Id": "added-above",\n\n\n');
      assert.deepEqual(fp(shifted), [base]);
      assert.deepEqual(fp(JSON.stringify(JSON.parse(ADMIN_POLICY))), [base]);
      assert.deepEqual(fp(JSON.stringify(JSON.parse(ADMIN_POLICY), null, 8)), [base]);
      // A different grant is a different risk: no fingerprint of the admin grant carries over.
      write('fp/policy.json', ADMIN_POLICY.replace('"Action": "*"', '"Action": "iam:*"'));
      const changed = JSON.parse(runCli(['scan', 'fp/policy.json', '--format', 'json'], { cwd: tmp }).stdout).findings as Array<{ fingerprint: string }>;
      assert.ok(changed.length > 0);
      assert.ok(changed.every((f) => f.fingerprint !== base));
    });
  });

  it('the demo (npm run demo) reports the three risky edits', () => {
    const r = runCli(['diff', 'examples/demo/before', 'examples/demo/after', '--rules', 'examples/demo/.foureyes/rules.jsonc', '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const ids = new Set((JSON.parse(r.stdout).findings as Array<{ ruleId: string }>).map((f) => f.ruleId));
    for (const id of ['iam/aws-admin-access', 'endpoint/credential-in-url', 'drift/tls-verification']) assert.ok(ids.has(id), id);
  });
});
