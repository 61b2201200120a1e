// The endpoint detector on hand-built models that follow the lowering conventions for opaque
// values (calls with args/kwargs, interpolated strings), independent of any one language.
import { strict as assert } from 'node:assert';
import { endpointDetector } from '../../src/core/detectors/endpoint';
import type { DetectorContext } from '../../src/core/detectors/detector';
import type { Doc, KeyPath, LanguageId, Node, Obj, Opaque, Str } from '../../src/core/model';
import { defaultRules, resolveRules } from '../../src/core/rules';
import { LineIndex } from '../../src/core/text';

/** Builds nodes whose ranges point at the first occurrence of their source text. */
class Builder {
  readonly lines: LineIndex;
  constructor(readonly text: string) {
    this.lines = new LineIndex(text);
  }
  private at(source: string) {
    const i = this.text.indexOf(source);
    assert.ok(i >= 0, `${source} not in text`);
    return this.lines.range(i, i + source.length);
  }
  str(value: string, path: KeyPath, source = value): Str {
    return { kind: 'string', value, path, range: this.at(source) };
  }
  opaque(text: string, path: KeyPath, extra: Partial<Opaque> = {}): Opaque {
    return { kind: 'opaque', text, path, range: this.at(text), ...extra };
  }
  obj(entries: Array<[string, Node]>, path: KeyPath): Obj {
    return { kind: 'object', path, range: this.lines.range(0, this.text.length), entries: entries.map(([key, value]) => ({ key, keyRange: value.range, value })) };
  }
  doc(path: string, language: LanguageId, roots: Node[]): Doc {
    return { path, language, text: this.text, roots, problems: [] };
  }
}

const ctx = (rules = defaultRules()): DetectorContext => ({ rules, isProductionFile: false, mode: 'diff' });

describe('endpoint detector on opaque values', () => {
  it('reads kubectl/helm contexts from kwargs and positional arguments, once each', () => {
    const text = 'kubectl --context prod-eu apply -f app.yaml\nkubectl config use-context prd-us\nhelm upgrade --kube-context=live-1 api ./chart\nkubectl --context staging get pods\n';
    const b = new Builder(text);
    const k1 = b.opaque('kubectl --context prod-eu apply -f app.yaml', [], {
      callee: 'kubectl',
      args: [b.str('--context', [0]), b.str('prod-eu', [1]), b.str('apply', [2]), b.str('-f', [3]), b.str('app.yaml', [4])],
    });
    k1.kwargs = b.obj([['context', k1.args![1]]], []);
    const k2 = b.opaque('kubectl config use-context prd-us', [], { callee: 'kubectl', args: [b.str('config', [0]), b.str('use-context', [1]), b.str('prd-us', [2])] });
    const k3 = b.opaque('helm upgrade --kube-context=live-1 api ./chart', [], { callee: 'helm', args: [b.str('upgrade', [0]), b.str('--kube-context=live-1', [1])] });
    const k4 = b.opaque('kubectl --context staging get pods', [], { callee: 'kubectl', args: [b.str('--context', [0]), b.str('staging', [1])] });
    const fs = endpointDetector.run(undefined, b.doc('deploy.sh', 'bash', [k1, k2, k3, k4]), ctx());
    assert.deepEqual(fs.map((f) => f.message.replace(/ \(.*/, '')), [
      '[1] selects production Kubernetes context prod-eu',
      '[2] selects production Kubernetes context prd-us',
      '[1] selects production Kubernetes context live-1',
    ]);
    assert.ok(fs.every((f) => f.ruleId === 'endpoint/production-kube-context'));
  });

  it('matches kubeContexts globs on CLI arguments', () => {
    const text = 'kubectl --context eu-central-1 get pods';
    const b = new Builder(text);
    const k = b.opaque(text, [], { callee: 'kubectl', args: [b.str('--context', [0]), b.str('eu-central-1', [1])] });
    const rules = resolveRules({ production: { kubeContexts: ['eu-central-*'] } });
    const fs = endpointDetector.run(undefined, b.doc('deploy.sh', 'bash', [k]), ctx(rules));
    assert.equal(fs.length, 1);
    assert.match(fs[0].message, /rules: production\.kubeContexts 'eu-central-\*'/);
  });

  it('reads the literal parts of interpolated strings, never treating the hole as a password', () => {
    const text = 'DATABASE_URL=postgres://app:${DB_PASSWORD}@prod-db.acme.io/app\nAPI=`https://${region}.api.prod.acme.io/v1`\nX=f"mysql://root:{pw}@{host}/x"\n';
    const b = new Builder(text);
    const env = b.opaque('postgres://app:${DB_PASSWORD}@prod-db.acme.io/app', ['DATABASE_URL']);
    const tpl = b.opaque('`https://${region}.api.prod.acme.io/v1`', ['API']);
    const fstr = b.opaque('f"mysql://root:{pw}@{host}/x"', ['X']);
    const fs = endpointDetector.run(undefined, b.doc('app.env', 'dotenv', [b.obj([['DATABASE_URL', env], ['API', tpl], ['X', fstr]], [])]), ctx());
    assert.deepEqual(fs.map((f) => `${f.ruleId} ${f.keyPath}`), ['endpoint/production-host DATABASE_URL', 'endpoint/production-host API']);
    assert.match(fs[1].message, /production host \*\.api\.prod\.acme\.io/);
  });

  it('does not read identifiers, member expressions or calls as text', () => {
    const text = 'config.prod.acme.io(x) + settings.live.acme.com';
    const b = new Builder(text);
    const ident = b.opaque('settings.live.acme.com', ['a']);
    const call = b.opaque('config.prod.acme.io(x)', ['b'], { callee: 'config.prod.acme.io', args: [] });
    const fs = endpointDetector.run(undefined, b.doc('app.ts', 'typescript', [ident, call]), ctx());
    assert.deepEqual(fs, []);
  });

  it('reads strings passed to calls, positional and keyword', () => {
    const text = 'psycopg2.connect("postgresql://app:Sup3rPw@db.acme.io/app", host="prod-db.internal")';
    const b = new Builder(text);
    const url = b.str('postgresql://app:Sup3rPw@db.acme.io/app', ['conn', 0], '"postgresql://app:Sup3rPw@db.acme.io/app"');
    const host = b.str('prod-db.internal', ['conn', 'host'], '"prod-db.internal"');
    const call = b.opaque(text, ['conn'], { callee: 'psycopg2.connect', args: [url], kwargs: b.obj([['host', host]], ['conn']) });
    const fs = endpointDetector.run(undefined, b.doc('db.py', 'python', [call]), ctx());
    assert.deepEqual(fs.map((f) => `${f.ruleId} ${f.keyPath}`), ['endpoint/credential-in-url conn[0]', 'endpoint/production-host conn.host']);
    assert.ok(!fs.some((f) => JSON.stringify(f).includes('Sup3rPw')));
  });
});
