import assert from 'node:assert/strict';
import { addedLineSpans } from '../../src/extension/capture/line-diff';
import { addRange, applyChanges, insertedRanges, moveRange, type TrackedRange } from '../../src/extension/capture/ranges';

const r = (start: number, end: number, id = 'a'): TrackedRange => ({ id, origin: 'inline-completion', at: 0, start, end });
const ins = (offset: number, text: string) => ({ offset, length: 0, text });
const del = (offset: number, length: number) => ({ offset, length, text: '' });

describe('capture: range tracking', () => {
  it('shifts a range when text is typed or deleted before it, and not after it', () => {
    assert.deepEqual(moveRange({ start: 10, end: 20 }, ins(0, 'abc')), { start: 13, end: 23 });
    assert.deepEqual(moveRange({ start: 10, end: 20 }, del(2, 5)), { start: 5, end: 15 });
    assert.deepEqual(moveRange({ start: 10, end: 20 }, ins(25, 'x')), { start: 10, end: 20 });
  });
  it('keeps typing at either edge outside the range, and inside it grows the range', () => {
    assert.deepEqual(moveRange({ start: 10, end: 20 }, ins(10, 'x')), { start: 11, end: 21 });
    assert.deepEqual(moveRange({ start: 10, end: 20 }, ins(20, 'x')), { start: 10, end: 20 });
    assert.deepEqual(moveRange({ start: 10, end: 20 }, ins(15, 'xy')), { start: 10, end: 22 });
  });
  it('trims a range when a deletion overlaps one end', () => {
    assert.deepEqual(moveRange({ start: 10, end: 20 }, del(5, 10)), { start: 5, end: 10 });
    assert.deepEqual(moveRange({ start: 10, end: 20 }, del(15, 10)), { start: 10, end: 15 });
    assert.deepEqual(moveRange({ start: 10, end: 20 }, { offset: 15, length: 10, text: 'new' }), { start: 10, end: 15 });
  });
  it('drops a range whose text was removed (undo of the insertion) or replaced', () => {
    assert.deepEqual(applyChanges([r(10, 20)], [del(10, 10)]), []);
    assert.deepEqual(applyChanges([r(10, 20)], [{ offset: 8, length: 14, text: 'typed over' }]), []);
    assert.deepEqual(applyChanges([r(10, 20), r(30, 40, 'b')], [del(0, 25)]).map((x) => [x.id, x.start, x.end]), [['b', 5, 15]]);
  });
  it('applies an event\'s changes in order', () => {
    const out = applyChanges([r(10, 20)], [ins(30, 'x'), ins(0, 'yy')]);
    assert.deepEqual([out[0].start, out[0].end], [12, 22]);
  });
  it('merges touching ranges of one origin only', () => {
    const merged = addRange([r(0, 5)], r(5, 9, 'b'));
    assert.deepEqual(merged.map((x) => [x.id, x.start, x.end]), [['a', 0, 9]]);
    const other = addRange([r(0, 5)], { ...r(5, 9, 'b'), origin: 'chat-edit' });
    assert.equal(other.length, 2);
    assert.deepEqual(addRange([r(0, 5)], r(7, 7)), [r(0, 5)]);
  });
  it('reports the inserted ranges of an event in final offsets', () => {
    assert.deepEqual(insertedRanges([ins(20, 'abc'), ins(5, 'zz')]), [{ start: 5, end: 7 }, { start: 22, end: 25 }]);
    assert.deepEqual(insertedRanges([{ offset: 3, length: 4, text: 'xy' }, del(0, 1)]), [{ start: 2, end: 4 }]);
  });
});

describe('capture: added lines of a file written to disk', () => {
  it('finds inserted blocks and changed lines, not moved context', () => {
    assert.deepEqual(addedLineSpans(['a', 'b', 'c'], ['a', 'x', 'y', 'b', 'c', 'z']), [[2, 3], [6, 6]]);
    assert.deepEqual(addedLineSpans(['a', 'b', 'c'], ['a', 'B', 'c']), [[2, 2]]);
    assert.deepEqual(addedLineSpans([], ['a', 'b']), [[1, 2]]);
    assert.deepEqual(addedLineSpans(['a', 'b'], ['a', 'b']), []);
    assert.deepEqual(addedLineSpans(['a', 'b', 'c'], ['c']), []);
  });
});
