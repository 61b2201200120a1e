// The analysis server's long-running `git cat-file --batch` with real git: reads asked for at the
// same time (the index watcher and a hook's request) each get exactly their blobs.
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import { BatchReader } from '../../src/cli/batch-reader';
import { readLooseBlob } from '../../src/core/loose-object';
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

  it('reads loose blobs without git, checked against their id; packed ones and bad ones are left to git', async () => {
    const objects = path.join(repo.dir, '.git', 'objects');
    const loose = store('loose blob\n');
    assert.equal(readLooseBlob(objects, loose)?.toString('utf8'), 'loose blob\n');
    // No git at all (a working directory that does not exist): the loose blob is still read.
    const gitless = new BatchReader(path.join(repo.dir, 'nowhere'), repo.env, objects);
    try {
      assert.equal((await gitless.read([loose])).get(loose)?.toString('utf8'), 'loose blob\n');
    } finally {
      gitless.stop();
    }
    // A loose file whose bytes do not hash to its name is never returned.
    const forged = store('the real content\n');
    const file = path.join(objects, forged.slice(0, 2), forged.slice(2));
    chmodSync(file, 0o644);
    writeFileSync(file, deflateSync(Buffer.from('blob 9\0forgery!\n')));
    assert.equal(readLooseBlob(objects, forged), undefined);
    // Not a blob (a loose tree, hashing fine), or not zlib: undefined.
    repo.git('add', '-A');
    const tree = repo.git('write-tree').trim();
    assert.equal(readLooseBlob(objects, tree), undefined);
    const notZlib = store('x\n');
    const notZlibFile = path.join(objects, notZlib.slice(0, 2), notZlib.slice(2));
    chmodSync(notZlibFile, 0o644);
    writeFileSync(notZlibFile, 'not zlib');
    assert.equal(readLooseBlob(objects, notZlib), undefined);
    // Packed: git reads it.
    repo.write('packed.txt', 'packed blob\n');
    repo.git('add', 'packed.txt');
    repo.git('commit', '-q', '--no-verify', '-m', 'packed');
    const packed = repo.git('rev-parse', 'HEAD:packed.txt').trim();
    repo.git('repack', '-a', '-d', '-q');
    assert.equal(readLooseBlob(objects, packed), undefined);
    const viaGit = new BatchReader(repo.dir, repo.env, objects);
    try {
      const got = await viaGit.read([packed, loose, packed]);
      assert.deepEqual([...got.keys()], [packed, loose], 'in the order asked, once each');
      assert.equal(got.get(packed)?.toString('utf8'), 'packed blob\n');
    } finally {
      viaGit.stop();
    }
  });
});
