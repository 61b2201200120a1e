// Regressions for what the fuzzer and the scaling probes found: each input here once took
// quadratic time or worse in the module named by its suite.
import * as assert from 'node:assert/strict';
import { analyzeChange } from '../../src/core/analyze';
import { setAnalysisBudget } from '../../src/core/budget';
import type { Detector } from '../../src/core/detectors/detector';
import { extractEndpoints } from '../../src/core/endpoints/extract';
import { walkDoc, type LanguageId } from '../../src/core/model';
import { parseDocument, setParseBudget } from '../../src/core/parse';
import { defaultRules } from '../../src/core/rules';
import { parse, scanText } from './helpers';

describe('hardening: JavaScript lowering of deep parentheses', () => {
  it('lowers 20,000 nested parentheses around a literal as one root', async () => {
    const depth = 20_000;
    const doc = await parse(`x = ${'('.repeat(depth)}"deep"${')'.repeat(depth)};\n`, 'a.ts');
    const strings = doc.roots.filter((r) => r.kind === 'string');
    assert.deepEqual(strings.map((r) => r.kind === 'string' && r.value), ['deep']);
  });

  it('still finds a call inside 20,000 parentheses', async () => {
    const depth = 20_000;
    const doc = await parse(`${'('.repeat(depth)}fetch("https://a.example.com")${')'.repeat(depth)};\n`, 'a.js');
    const call = doc.roots.find((r) => r.kind === 'opaque' && r.callee === 'fetch');
    assert.ok(call, 'the call is a root');
  });
});

describe('hardening: Go DSN extraction on long strings', () => {
  it('reads user and password the way the DSN grammar does', () => {
    const [dsn] = extractEndpoints('a/b:c(d@tcp(db.acme.io:3306)/x').filter((e) => e.form === 'go-dsn');
    assert.equal(dsn.user, 'b');
    assert.equal(dsn.secret?.value, 'c(d');
    assert.deepEqual(dsn.hosts, ['db.acme.io']);
  });

  it('reads several DSNs in one string and none without the marker', () => {
    const two = extractEndpoints('u:p@tcp(a.acme.io)/d u2@udp(b.acme.io:1)/e').filter((e) => e.form === 'go-dsn');
    assert.deepEqual(two.map((d) => [d.user, d.secret?.value, d.hosts[0]]), [['u', 'p', 'a.acme.io'], ['u2', undefined, 'b.acme.io']]);
    assert.equal(extractEndpoints('a:'.repeat(30_000)).filter((e) => e.form === 'go-dsn').length, 0);
  });
});

describe('hardening: parse budget', () => {
  afterEach(() => setParseBudget(undefined));

  it('reports a file whose parse is stopped as not analysed, naming why', async () => {
    setParseBudget(() => -1);
    const r = await scanText('deploy.sh', 'echo "hello"\n'.repeat(2000));
    assert.equal(r.analysed, false);
    assert.equal(r.notes.length, 1);
    assert.equal(r.notes[0].level, 'error');
    assert.match(r.notes[0].message, /not analysed \(bash\): parsing stopped after/);
  });
});

const WILDCARD_POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}\n';

describe('hardening: analysis budget (lowering and detectors)', () => {
  afterEach(() => setAnalysisBudget(undefined));

  it('reports a file whose lowering runs out of budget as not analysed', async () => {
    setAnalysisBudget(() => -1);
    const r = await analyzeChange({ path: 'stack.ts', after: 'const p = { Action: "*", Resource: "*" };\n' }, { rules: defaultRules(), mode: 'scan' });
    assert.equal(r.analysed, false);
    assert.deepEqual(r.notes.map((n) => n.level), ['error']);
    assert.match(r.notes[0].message, /^not analysed \(typescript\): lowering stopped after -?\d+\.\d s/);
  });

  it('reports a detector that runs out of budget as not analysed, keeping what earlier detectors found', async () => {
    const spin: Detector = {
      family: 'spin',
      rules: [],
      run(_b, after) {
        for (;;) walkDoc(after, () => undefined);
      },
    };
    const parse = (_side: 'before' | 'after', path: string, text: string, language: LanguageId) => parseDocument(path, text, language);
    const rules = defaultRules();
    const normal = await analyzeChange({ path: 'policy.json', after: WILDCARD_POLICY }, { rules, mode: 'scan' });
    setAnalysisBudget((chars) => 500 + chars);
    const r = await analyzeChange({ path: 'policy.json', after: WILDCARD_POLICY }, { rules, mode: 'scan', parse, extraDetectors: [spin] });
    assert.equal(r.analysed, false);
    assert.deepEqual(r.findings.map((f) => f.fingerprint), normal.findings.map((f) => f.fingerprint));
    const last = r.notes[r.notes.length - 1];
    assert.equal(last.level, 'error');
    assert.match(last.message, /^not analysed \(json\): detector spin stopped after \d+\.\d s .*; findings of the remaining detectors are missing$/);
  });
});
