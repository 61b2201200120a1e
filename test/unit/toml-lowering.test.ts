import { strict as assert } from 'node:assert';
import type { Node } from '../../src/core/model';
import { get, toPlain, values } from '../../src/core/model';
import { parse } from './helpers';

async function toml(text: string): Promise<Node> {
  const doc = await parse(text, 'x.toml');
  assert.equal(doc.roots.length, 1);
  return doc.roots[0];
}

describe('TOML lowering', () => {
  it('nests tables, dotted keys and quoted keys', async () => {
    const root = await toml('a.b = 1\n"q.k" = 2\n[srv.http]\nport = 80\n[srv."x y"]\nz = 1\n[srv]\nname = "s"\n');
    assert.deepEqual(toPlain(root), { a: { b: 1 }, 'q.k': 2, srv: { http: { port: 80 }, 'x y': { z: 1 }, name: 's' } });
    const port = get(get(get(root, 'srv'), 'http'), 'port')!;
    assert.deepEqual(port.path, ['srv', 'http', 'port']);
    assert.deepEqual([port.range.startLine, port.range.startColumn, port.range.endColumn], [4, 8, 10]);
  });

  it('lowers arrays of tables as an array of objects, sub-tables attached to the latest one', async () => {
    const root = await toml('[[bin]]\nname = "a"\n[[bin]]\nname = "b"\n[bin.opts]\nx = 1\n');
    const bins = values(root, 'bin');
    assert.equal(bins.length, 2);
    assert.deepEqual(toPlain(bins[1]), { name: 'b', opts: { x: 1 } });
    assert.deepEqual(get(bins[1], 'name')!.path, ['bin', 1, 'name']);
  });

  it('decodes every string kind', async () => {
    const root = await toml(
      'basic = "a\\tb\\u00e9\\U0001F600\\"q"\nlit = \'C:\\path\'\nml = """\nfirst \\\n   second\nthird"""\nmll = \'\'\'\nraw \\n\'\'\'\n',
    );
    assert.deepEqual(toPlain(root), { basic: 'a\tbé😀"q', lit: 'C:\\path', ml: 'first second\nthird', mll: 'raw \\n' });
  });

  it('reads integers in every base, floats, booleans and dates as strings', async () => {
    const root = await toml('i = 1_000\nh = 0xDEAD_beef\no = 0o755\nb = 0b1010\nn = -17\nf = 6.626e-34\ninf = -inf\nnan = nan\nt = true\nd = 1979-05-27\ndt = 1979-05-27T07:32:00-08:00\nlt = 07:32:00\n');
    const p = toPlain(root) as Record<string, unknown>;
    assert.deepEqual([p.i, p.h, p.o, p.b, p.n, p.f, p.inf, p.t], [1000, 0xdeadbeef, 0o755, 10, -17, 6.626e-34, -Infinity, true]);
    assert.ok(Number.isNaN(p.nan));
    assert.deepEqual([p.d, p.dt, p.lt], ['1979-05-27', '1979-05-27T07:32:00-08:00', '07:32:00']);
    assert.equal(get(root, 'd')?.kind, 'string');
    const h = get(root, 'h')!;
    assert.equal(h.kind === 'number' ? h.raw : '', '0xDEAD_beef');
  });

  it('lowers inline tables and nested arrays', async () => {
    const root = await toml('dep = { version = "1", features = ["a", "b"], opt.x = true }\nm = [[1, 2], ["x"]]\n');
    assert.deepEqual(toPlain(root), { dep: { version: '1', features: ['a', 'b'], opt: { x: true } }, m: [[1, 2], ['x']] });
  });

  it('survives hostile nesting and reports syntax errors', async function () {
    // Large inputs on a busy CI machine; the size is the point, not the speed.
    this.timeout(180_000);
    const n = 100_000;
    for (const text of ['a = ' + '['.repeat(n) + ']'.repeat(n), 'a = ' + '{a = '.repeat(n) + '1' + '}'.repeat(n), '[' + 'a.'.repeat(n) + 'a]\n']) {
      const doc = await parse(text, 'x.toml');
      assert.equal(doc.roots.length, 1);
    }
    const bad = await parse('a = [1,\n[t\n', 'x.toml');
    assert.ok(bad.problems.length > 0);
  });
});
