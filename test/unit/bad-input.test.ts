// Bad input through the built CLI: nothing crashes, nothing passes silently, positions stay right.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from './helpers';

/** The IAM detector flags this statement at 4:5 (the `{` of Statement[0]). */
const ADMIN_POLICY = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": "*",\n      "Resource": "*"\n    }\n  ]\n}\n';

function utf16(text: string, order: 'le' | 'be', bom: boolean): Buffer {
  const le = Buffer.from((bom ? '\uFEFF' : '') + text, 'utf16le');
  if (order === 'le') return le;
  const be = Buffer.alloc(le.length);
  for (let i = 0; i + 1 < le.length; i += 2) {
    be[i] = le[i + 1];
    be[i + 1] = le[i];
  }
  return be;
}

interface Report {
  findings: Array<{ path: string; ruleId: string; range: { startLine: number; startColumn: number; endLine: number; endColumn: number } }>;
  notes: Array<{ path: string; level: string; message: string }>;
}

describe('bad input through the CLI', () => {
  let dir: string;
  const DIR = 'bad input ü';
  const files: Record<string, string | Buffer> = {
    'truncated.json': '{"Statement": [{"Effect": "Allow", "Action": ["s3:Get',
    'invalid.yaml': 'a: [1, 2\nb: : :\n  - c\n',
    'binary.json': Buffer.from([0x7b, 0x00, 0x01, 0x02, 0xff, 0x00, 0x7d, 0x00, 0x00, 0x10]),
    'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]),
    'empty.json': '',
    'big.json': `{"items": [${'{"id": 1, "host": "db.example.com"},'.repeat(300_000)}1]}`,
    'bom.json': '\uFEFF' + ADMIN_POLICY,
    'crlf.json': ADMIN_POLICY.replace(/\n/g, '\r\n'),
    'utf16le-bom.json': utf16(ADMIN_POLICY, 'le', true),
    'utf16be-bom.json': utf16(ADMIN_POLICY, 'be', true),
    'utf16le.json': utf16(ADMIN_POLICY, 'le', false),
    'utf16be.json': utf16(ADMIN_POLICY, 'be', false),
    'política de acceso.json': ADMIN_POLICY,
    'latin1.json': Buffer.concat([Buffer.from('{"name": "caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]),
  };
  let report: Report;
  let code: number | null;
  let stderr: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'foureyes-bad-'));
    mkdirSync(path.join(dir, '.git'));
    mkdirSync(path.join(dir, DIR));
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, DIR, name), content);
    const r = runCli(['scan', DIR, '--format', 'json'], { cwd: dir });
    code = r.code;
    stderr = r.stderr;
    report = JSON.parse(r.stdout) as Report;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const notesFor = (name: string) => report.notes.filter((n) => n.path === `${DIR}/${name}`);
  const findingsFor = (name: string) => report.findings.filter((f) => f.path === `${DIR}/${name}`);

  it('finishes without crashing: exit 1 for the findings, nothing on stderr', () => {
    assert.equal(stderr, '');
    assert.equal(code, 1);
  });

  it('notes a truncated JSON file with its syntax error and still analyses what parsed', () => {
    const [note] = notesFor('truncated.json');
    assert.equal(note.level, 'warning');
    assert.match(note.message, /syntax error\(s\), first at line 1/);
  });

  it('notes invalid YAML', () => {
    const notes = notesFor('invalid.yaml');
    assert.equal(notes.length, 1, JSON.stringify(report.notes));
    assert.match(notes[0].message, /syntax error|not analysed/);
  });

  it('notes a binary file with a known extension and ignores binary files of no language', () => {
    assert.deepEqual(notesFor('binary.json').map((n) => n.message), ['skipped: binary file (contains NUL bytes); not analysed']);
    assert.deepEqual(notesFor('logo.png'), []);
  });

  it('notes an empty file', () => {
    assert.deepEqual(notesFor('empty.json').map((n) => [n.level, n.message]), [['info', 'empty file (json); nothing to analyse']]);
  });

  it('reports a 10 MB single-line file as skipped by the default limit, never silently', () => {
    const notes = notesFor('big.json');
    assert.equal(notes.length, 1);
    assert.equal(notes[0].level, 'warning');
    assert.match(notes[0].message, /^skipped: 10\.\d MB is over the 2\.0 MB limit \(limits\.maxFileBytes\); not analysed$/);
  });

  it('notes invalid UTF-8 and analyses the rest', () => {
    assert.deepEqual(notesFor('latin1.json').map((n) => n.message), ['invalid UTF-8 replaced with U+FFFD; positions after it may be approximate']);
  });

  for (const name of ['bom.json', 'crlf.json', 'utf16le-bom.json', 'utf16be-bom.json', 'utf16le.json', 'utf16be.json', 'política de acceso.json']) {
    it(`finds the same risk at the same line and column in ${name}`, () => {
      assert.deepEqual(notesFor(name), []);
      const found = findingsFor(name);
      assert.equal(found.length, 1, JSON.stringify(report.findings.map((f) => f.path)));
      assert.equal(found[0].ruleId, 'iam/aws-admin-access');
      assert.deepEqual(found[0].range, { startLine: 4, startColumn: 5, endLine: 8, endColumn: 6 });
    });
  }

  it('prints a path with spaces and non-ASCII characters as is in text and percent-encoded in SARIF', () => {
    const text = runCli(['scan', DIR], { cwd: dir }).stdout;
    assert.ok(text.includes(`${DIR}/política de acceso.json:4:5  critical  iam/aws-admin-access  `), text);
    assert.ok(text.includes(`${DIR}/big.json: warning: skipped: `), text);
    const sarif = JSON.parse(runCli(['scan', path.join(DIR, 'política de acceso.json'), '--format', 'sarif'], { cwd: dir }).stdout);
    assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'bad%20input%20%C3%BC/pol%C3%ADtica%20de%20acceso.json');
  });

  it('counts skipped files in the text summary, and --strict makes them fail the scan', () => {
    const only = path.join(DIR, 'big.json');
    const plain = runCli(['scan', only], { cwd: dir });
    assert.equal(plain.code, 0);
    assert.match(plain.stdout, /no findings in 0 files; 1 file skipped\n$/);
    assert.equal(runCli(['scan', only, '--strict'], { cwd: dir }).code, 1);
    assert.equal(runCli(['scan', path.join(DIR, 'empty.json'), '--strict'], { cwd: dir }).code, 0);
  });

  it('analyses a large file when limits.maxFileBytes allows it', () => {
    mkdirSync(path.join(dir, 'raised/.foureyes'), { recursive: true });
    writeFileSync(path.join(dir, 'raised/.foureyes/rules.jsonc'), '{ "limits": { "maxFileBytes": 200000 } }');
    writeFileSync(path.join(dir, 'raised/mid.json'), `{"items": [${'{"id": 1},'.repeat(15_000)}1]}`);
    const r = runCli(['scan', 'mid.json', '--format', 'json'], { cwd: path.join(dir, 'raised') });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).notes, []);
    writeFileSync(path.join(dir, 'raised/.foureyes/rules.jsonc'), '{ "limits": { "maxFileBytes": 1000 } }');
    const skipped = JSON.parse(runCli(['scan', 'mid.json', '--format', 'json'], { cwd: path.join(dir, 'raised') }).stdout);
    assert.match(skipped.notes[0].message, /^skipped: 146\.5 KB is over the 1000 B limit/);
  });
});
