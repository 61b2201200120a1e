// A `git cat-file --batch` kept running by the analysis server, so reading a commit's blobs costs a
// pipe round trip instead of starting git (which, from a large process, takes tens of ms); loose
// blobs are read without it (`core/loose-object.ts`). One request at a time (reads queue behind
// each other); git finds objects written after it started (loose objects by path, new packs on a
// miss). Any problem ends the process and reads as "missing"; the next read starts a new one.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { parseBatchHeader } from '../core/git';
import { readLooseBlob } from '../core/loose-object';

export class BatchReader {
  private git: ChildProcessByStdio<Writable, Readable, null> | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  /** The read in progress: git answers in order, so a second read must not interleave with it. */
  private turn: Promise<unknown> = Promise.resolve();

  /** `objectsDir`: the repository's object directory, whose loose blobs are read directly. */
  constructor(
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly objectsDir?: string,
  ) {}

  private start(): ChildProcessByStdio<Writable, Readable, null> {
    const git = spawn('git', ['cat-file', '--batch'], { cwd: this.cwd, env: this.env, stdio: ['pipe', 'pipe', 'ignore'] });
    git.on('error', () => this.stop());
    git.on('exit', () => {
      if (this.git === git) this.stop();
    });
    git.stdin.on('error', () => undefined);
    git.stdout.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
      this.waiting?.();
    });
    // Never keeps the server alive by itself.
    git.unref();
    (git.stdout as Readable & { unref?: () => void }).unref?.();
    return git;
  }

  stop(): void {
    const git = this.git;
    this.git = undefined;
    this.buffered = Buffer.alloc(0);
    git?.stdin.destroy();
    git?.kill();
    this.waiting?.();
  }

  private async take(test: () => number): Promise<Buffer | undefined> {
    for (;;) {
      const n = test();
      if (n >= 0) {
        const out = this.buffered.subarray(0, n);
        this.buffered = this.buffered.subarray(n);
        return out;
      }
      if (!this.git) return undefined;
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = undefined;
    }
  }

  /** Starts git now, so the first read does not wait for it. */
  warm(): void {
    this.git ??= this.start();
  }

  /** The blobs among `ids` (hex object ids) that git has; others are absent from the map. */
  read(ids: string[]): Promise<Map<string, Buffer>> {
    const result = this.turn.then(() => this.readNow(ids));
    this.turn = result.catch(() => undefined);
    return result;
  }

  private async readNow(ids: string[]): Promise<Map<string, Buffer>> {
    const wanted = [...new Set(ids)].filter((id) => /^[0-9a-f]{40,64}$/.test(id));
    const found = new Map<string, Buffer>();
    for (const id of wanted) {
      const loose = this.objectsDir ? readLooseBlob(this.objectsDir, id) : undefined;
      if (loose) found.set(id, loose);
    }
    const fromGit = await this.readFromGit(wanted.filter((id) => !found.has(id)));
    // In the order asked, whichever way each was read.
    return new Map(wanted.flatMap((id) => {
      const data = found.get(id) ?? fromGit.get(id);
      return data ? [[id, data] as const] : [];
    }));
  }

  private async readFromGit(unique: string[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    if (!unique.length) return out;
    this.git ??= this.start();
    this.git.stdin.write(unique.map((id) => `${id}\n`).join(''));
    for (const id of unique) {
      const header = await this.take(() => {
        const nl = this.buffered.indexOf(10);
        return nl < 0 ? -1 : nl + 1;
      });
      if (!header) return out;
      let parsed: ReturnType<typeof parseBatchHeader>;
      try {
        parsed = parseBatchHeader(header.subarray(0, header.length - 1).toString('utf8'));
      } catch {
        // Out of step with git: nothing read from here on can be trusted.
        this.stop();
        return out;
      }
      if (!parsed) continue;
      const length = parsed.size;
      const body = await this.take(() => (this.buffered.length >= length + 1 ? length + 1 : -1));
      if (!body) return out;
      if (parsed.type === 'blob' && parsed.id === id) out.set(id, Buffer.from(body.subarray(0, length)));
    }
    return out;
  }
}
