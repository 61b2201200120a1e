// Regressions for what the fuzzer and the scaling probes found: each input here once took
// quadratic time or worse in the module named by its suite.
import * as assert from 'node:assert/strict';
import { extractEndpoints } from '../../src/core/endpoints/extract';
import { setParseBudget } from '../../src/core/parse';
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
    assert.match(r.notes[0].message, /could not analyse \(bash\): parsing stopped after/);
  });
});
