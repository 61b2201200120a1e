// The analysis server's long-running `git cat-file --batch` with real git: reads asked for at the
// same time (the index watcher and a hook's request) each get exactly their blobs.
import assert from 'node:assert/strict';
import { BatchReader } from '../../src/cli/batch-reader';
import { TempRepo } from './repo';

describe('BatchReader (server cat-file)', function () {
  this.timeout(30_000);
  let repo: TempRepo;
  let reader: BatchReader;
  beforeEach(() => {
    repo = new TempRepo();
    reader = new BatchReader(repo.dir, repo.env);
  });
  afterEach(() => {
    reader.stop();
    repo.cleanup();
  });

  const store = (text: string): string => repo.run('git', ['hash-object', '-w', '--stdin'], { input: text }).stdout.trim();

  it('reads queued at the same time do not interleave', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => `blob ${i}\n${'x'.repeat(i * 997)}\n`);
    const ids = texts.map(store);
    const missing = 'f'.repeat(40);
    const [a, b, c] = await Promise.all([reader.read(ids.slice(0, 25)), reader.read([missing, ...ids.slice(10)]), reader.read([ids[3]])]);
    assert.deepEqual([...a.keys()], ids.slice(0, 25));
    assert.deepEqual([...b.keys()], ids.slice(10));
    assert.deepEqual([...c.keys()], [ids[3]]);
    for (const [id, data] of [...a, ...b, ...c]) assert.equal(data.toString('utf8'), texts[ids.indexOf(id)]);
  });

  it('finds blobs written after it started, and starts again after being stopped', async () => {
    const first = store('first\n');
    assert.equal((await reader.read([first])).get(first)?.toString('utf8'), 'first\n');
    const later = store('later\n');
    assert.equal((await reader.read([later])).get(later)?.toString('utf8'), 'later\n');
    reader.stop();
    assert.equal((await reader.read([first, later])).size, 2);
  });
});
