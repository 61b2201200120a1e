import { strict as assert } from 'node:assert';
import { get, toPlain, values } from '../../src/core/model';
import { parse } from './helpers';

describe('JSON lowering', () => {
  it('lowers objects, arrays and scalars with key paths and 1-based ranges', async () => {
    const doc = await parse('{\n  "a": [1, true, null],\n  "b": {"c": "d"}\n}\n', 'x.json');
    assert.equal(doc.roots.length, 1);
    assert.deepEqual(toPlain(doc.roots[0]), { a: [1, true, null], b: { c: 'd' } });
    const c = get(get(doc.roots[0], 'b'), 'c')!;
    assert.deepEqual(c.path, ['b', 'c']);
    assert.equal(c.range.startLine, 3);
    assert.equal(c.range.startColumn, 14);
    assert.equal(values(doc.roots[0], 'a').length, 3);
  });

  it('accepts comments in JSONC and reports syntax errors as problems', async () => {
    const ok = await parse('// c\n{"a": 1, /* x */ "b": 2}', 'tsconfig.json');
    assert.deepEqual(toPlain(ok.roots[0]), { a: 1, b: 2 });
    const bad = await parse('{"a": [1, 2', 'x.json');
    assert.ok(bad.problems.length > 0);
  });

  it('decodes escapes in keys and values', async () => {
    const doc = await parse('{"k\\u0041": "line\\nnext"}', 'x.json');
    assert.deepEqual(toPlain(doc.roots[0]), { kA: 'line\nnext' });
  });
});

describe('JSON lowering: embedded documents', () => {
  it('lowers a JSON object serialised into a string, with ranges in the outer file', async () => {
    const text = '{"PolicyDocument": "{\\"Statement\\": [{\\"Action\\": \\"*\\"}]}"}';
    const doc = await parse(text, 'template.json');
    const pd = get(doc.roots[0], 'PolicyDocument')!;
    assert.equal(pd.kind, 'object');
    const action = values(pd, 'Statement')[0];
    const star = get(action, 'Action')!;
    assert.deepEqual(toPlain(star), '*');
    assert.equal(text.slice(star.range.startOffset, star.range.endOffset), '\\"*\\"');
    assert.deepEqual(star.path, ['PolicyDocument', 'Statement', 0, 'Action']);
  });

  it('leaves strings that only look like JSON alone', async () => {
    const doc = await parse('{"a": "{not json"}', 'x.json');
    const a = doc.roots[0].kind === 'object' ? doc.roots[0].entries[0].value : undefined;
    assert.equal(a?.kind, 'string');
    assert.equal(a?.kind === 'string' && a.embedded, undefined);
  });
});
