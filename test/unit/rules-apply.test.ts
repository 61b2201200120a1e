// Rules-file overrides and ignores apply to every detector, and fingerprints survive moves.
import { strict as assert } from 'node:assert';
import type { Detector } from '../../src/core/detectors/detector';
import { DETECTORS } from '../../src/core/detectors/registry';
import { fingerprint, makeFinding, type Finding } from '../../src/core/findings';
import { walkDoc, type Str } from '../../src/core/model';
import { defaultRules, resolveRules, type RulesConfig } from '../../src/core/rules';
import { diffText, parse, scanText } from './helpers';

/** Flags every string value starting with RISK, keyed by its key path; registered only here. */
const fakeDetector: Detector = {
  family: 'fake',
  rules: [{ id: 'fake/risky-value', category: 'endpoint', defaultSeverity: 'high', title: 'A risky value' }],
  run(_before, after) {
    const out: Finding[] = [];
    walkDoc(after, (node) => {
      if (node.kind === 'string' && node.value.startsWith('RISK')) {
        const s = node as Str;
        out.push(
          makeFinding({
            ruleId: 'fake/risky-value',
            category: 'endpoint',
            severity: 'high',
            message: `Risky value ${s.value}`,
            doc: after,
            node: s,
            content: `${s.path.join('.')}=${s.value}`,
          }),
        );
      }
    });
    return out;
  },
};

const RISKY = '{\n  "a": {\n    "b": "RISK-1"\n  }\n}\n';

describe('rules applied to every detector', () => {
  before(() => (DETECTORS as Detector[]).push(fakeDetector));
  after(() => (DETECTORS as Detector[]).splice(DETECTORS.indexOf(fakeDetector), 1));

  async function findings(file: string, rules: RulesConfig = {}): Promise<Finding[]> {
    return (await diffText(file, undefined, RISKY, rules)).findings.filter((f) => f.ruleId.startsWith('fake/'));
  }

  it('reports with no rules file, at the detector severity', async () => {
    const [f] = await findings('config/app.json');
    assert.equal(f.severity, 'high');
    assert.deepEqual(f.range, { startLine: 3, startColumn: 10, endLine: 3, endColumn: 18 });
  });

  it('turns a rule off by id, by "off", and by family', async () => {
    assert.deepEqual(await findings('c.json', { rules: { 'fake/risky-value': 'off' } }), []);
    assert.deepEqual(await findings('c.json', { rules: { 'fake/risky-value': { off: true } } }), []);
    assert.deepEqual(await findings('c.json', { rules: { 'fake/*': 'off' } }), []);
    assert.equal((await findings('c.json', { rules: { 'fake/risky-value': { off: false } } })).length, 1);
  });

  it('overrides severity by id and by family, the id winning', async () => {
    assert.equal((await findings('c.json', { rules: { 'fake/risky-value': 'low' } }))[0].severity, 'low');
    assert.equal((await findings('c.json', { rules: { 'fake/*': { severity: 'critical' } } }))[0].severity, 'critical');
    assert.equal((await findings('c.json', { rules: { 'fake/*': 'critical', 'fake/risky-value': 'medium' } }))[0].severity, 'medium');
  });

  it('ignores tests, fixtures and docs by default, and analyses them with ignoreDefaults false', async () => {
    for (const p of ['test/app.json', 'src/__tests__/x.json', 'a/fixtures/b.json', 'docs/x.json', 'pkg/app.test.json', 'node_modules/x/p.json']) {
      assert.deepEqual(await findings(p), [], p);
      assert.equal((await findings(p, { ignoreDefaults: false })).length, 1, p);
    }
  });

  it('applies the ignore globs of the rules file on top of the defaults', async () => {
    assert.deepEqual(await findings('legacy/app.json', { ignore: ['legacy/**'] }), []);
    assert.equal((await findings('current/app.json', { ignore: ['legacy/**'] })).length, 1);
    assert.deepEqual(await findings('test/app.json', { ignore: ['legacy/**'] }), []);
  });

  it('honours limits.maxFileBytes', async () => {
    const r = await diffText('c.json', undefined, RISKY, { limits: { maxFileBytes: 10 } });
    assert.deepEqual(r.findings, []);
    assert.match(r.notes[0].message, /^skipped: \d+ B is over the 10 B limit/);
  });

  it('scan mode uses the same rules', async () => {
    assert.equal((await scanText('c.json', RISKY)).findings.filter((f) => f.ruleId === 'fake/risky-value').length, 1);
    assert.deepEqual((await scanText('c.json', RISKY, resolveRules({ rules: { 'fake/*': 'off' } }))).findings.filter((f) => f.ruleId.startsWith('fake/')), []);
  });

  describe('fingerprints', () => {
    it('stay the same when lines are inserted above and when the flagged text is re-indented', async () => {
      const [base] = await findings('c.json');
      const moved = '{\n  "z": 1,\n  "y": [1, 2, 3],\n\n  "a": {\n    "b": "RISK-1"\n  }\n}\n';
      const reindented = '{"a": {\n          "b":\n              "RISK-1"}}';
      const crlf = RISKY.replace(/\n/g, '\r\n');
      for (const text of [moved, reindented, crlf]) {
        const [f] = (await diffText('c.json', undefined, text)).findings.filter((x) => x.ruleId.startsWith('fake/'));
        assert.equal(f.fingerprint, base.fingerprint, text);
      }
      const [movedFinding] = (await diffText('c.json', undefined, moved)).findings.filter((x) => x.ruleId.startsWith('fake/'));
      assert.equal(movedFinding.range.startLine, 6);
    });

    it('change when the risky content, its key path, the file or the rule changes', async () => {
      const [base] = await findings('c.json');
      const others = [
        (await diffText('c.json', undefined, RISKY.replace('RISK-1', 'RISK-2'))).findings,
        (await diffText('c.json', undefined, RISKY.replace('"b"', '"c"'))).findings,
        (await diffText('d.json', undefined, RISKY)).findings,
      ].map((fs) => fs.filter((x) => x.ruleId.startsWith('fake/'))[0].fingerprint);
      for (const fp of others) assert.notEqual(fp, base.fingerprint);
      assert.equal(new Set(others).size, 3);
    });

    it('makeFinding: content decides, whitespace inside content does not', async () => {
      const doc = await parse(RISKY, 'c.json');
      const a = makeFinding({ ruleId: 'x/y', category: 'iam', severity: 'low', message: 'm', doc, range: doc.roots[0].range, content: 'Action: [ "s3:*" ]' });
      const b = makeFinding({ ruleId: 'x/y', category: 'iam', severity: 'low', message: 'm', doc, range: doc.roots[0].range, content: 'Action:\n    [ "s3:*"    ]' });
      const c = makeFinding({ ruleId: 'x/y', category: 'iam', severity: 'low', message: 'm', doc, range: doc.roots[0].range, content: 'Action: [ "*" ]' });
      assert.equal(a.fingerprint, b.fingerprint);
      assert.notEqual(a.fingerprint, c.fingerprint);
      assert.equal(a.fingerprint, fingerprint('x/y', 'c.json', 'Action: [ "s3:*" ]'));
      assert.notEqual(fingerprint('x/y', 'c.json', 'v'), fingerprint('x/z', 'c.json', 'v'));
    });
  });

  it('the built-in defaults resolve without a rules file', () => {
    const d = defaultRules();
    assert.equal(d.source, undefined);
    assert.ok(d.isIgnored('test/a.json'));
    assert.ok(!d.isIgnored('src/a.json'));
    assert.equal(d.maxFileBytes, 2 * 1024 * 1024);
  });
});
