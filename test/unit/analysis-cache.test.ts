// The hook's analysis cache on disk: entries round-trip, and the size bound is kept per shard, so a
// save never scans the whole cache.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AnalysisCache, SHARD_KEEP } from '../../src/core/review/cache';

const entry = { findings: [], notes: [], analysed: true };
const keyIn = (shard: string, i: number) => shard + i.toString(16).padStart(62, '0');

describe('analysis cache', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'foureyes-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back what it saved, and treats a corrupt entry as a miss', () => {
    const c = new AnalysisCache(dir);
    c.set(keyIn('0a', 1), { findings: [], notes: [], analysed: false });
    c.save();
    const again = new AnalysisCache(dir);
    assert.ok(again.has(keyIn('0a', 1)));
    assert.deepEqual(again.get(keyIn('0a', 1)), { findings: [], notes: [], analysed: false });
    writeFileSync(path.join(dir, '0a', `${keyIn('0a', 1)}.json`), '{"findings": [');
    assert.equal(again.get(keyIn('0a', 1)), undefined);
    assert.equal(again.get('not-a-key'), undefined);
  });

  it('trims a shard it wrote to down to its newest entries, and leaves other shards alone', () => {
    const c = new AnalysisCache(dir);
    for (let i = 0; i < 39; i++) c.set(keyIn('ab', i), entry);
    c.save();
    // Older entries first: entry i is i minutes newer than entry 0.
    const base = Date.now() / 1000 - 3600;
    for (let i = 0; i < 39; i++) utimesSync(path.join(dir, 'ab', `${keyIn('ab', i)}.json`), base + i * 60, base + i * 60);
    // A shard nothing is written to keeps whatever it holds.
    mkdirSync(path.join(dir, 'cd'));
    for (let i = 0; i < 60; i++) writeFileSync(path.join(dir, 'cd', `${keyIn('cd', i)}.json`), JSON.stringify(entry));
    assert.equal(readdirSync(path.join(dir, 'ab')).length, 39, 'below the trim threshold nothing goes');
    const next = new AnalysisCache(dir);
    next.set(keyIn('ab', 100), entry);
    next.save();
    const left = readdirSync(path.join(dir, 'ab'));
    assert.equal(left.length, SHARD_KEEP);
    assert.ok(left.includes(`${keyIn('ab', 100)}.json`), 'the entry just written stays');
    for (let i = 0; i < 8; i++) assert.ok(!left.includes(`${keyIn('ab', i)}.json`), `the oldest (${i}) went`);
    assert.ok(left.includes(`${keyIn('ab', 38)}.json`));
    assert.equal(readdirSync(path.join(dir, 'cd')).length, 60);
  });
});
