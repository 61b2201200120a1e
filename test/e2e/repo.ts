// Temporary git repositories with real git, real ssh-keygen and the built CLI, for e2e tests.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI } from '../unit/helpers';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class TempRepo {
  readonly dir: string;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(readonly base = mkdtempSync(path.join(os.tmpdir(), 'foureyes-e2e-'))) {
    this.dir = path.join(base, 'repo');
    this.home = path.join(base, 'home');
    mkdirSync(this.dir, { recursive: true });
    mkdirSync(this.home, { recursive: true });
    this.env = {
      PATH: process.env.PATH,
      HOME: this.home,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: path.join(this.home, '.gitconfig'),
      FOUREYES_TEST_DETECTOR: '1',
      NO_COLOR: '1',
      LANG: 'C.UTF-8',
    };
    writeFileSync(path.join(this.home, '.gitconfig'), '[init]\n\tdefaultBranch = main\n[user]\n\tname = Dev\n\temail = dev@example.com\n');
    this.git('init', '-q');
  }

  run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Run {
    const r = spawnSync(cmd, args, { cwd: opts.cwd ?? this.dir, env: { ...this.env, ...opts.env }, input: opts.input, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  git(...args: string[]): string {
    const r = this.run('git', args);
    if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  cli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Run {
    return this.run(process.execPath, [CLI, ...args], opts);
  }

  /** `git commit` with the installed hook; returns the run (code 0: committed). */
  commit(message: string, ...extra: string[]): Run {
    return this.run('git', ['commit', '-q', '-m', message, ...extra]);
  }

  write(rel: string, text: string): void {
    const abs = path.join(this.dir, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }

  read(rel: string): string {
    return readFileSync(path.join(this.dir, rel), 'utf8');
  }

  /** A fresh ed25519 key pair in the temp home; returns the private key path. */
  key(name: string, passphrase = ''): string {
    const file = path.join(this.home, name);
    const r = this.run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', name, '-f', file]);
    if (r.code !== 0) throw new Error(`ssh-keygen: ${r.stderr}`);
    return file;
  }

  pub(keyFile: string): string {
    return readFileSync(`${keyFile}.pub`, 'utf8').trim();
  }

  rules(seniors: Array<{ id: string; key: string }>, extra: Record<string, unknown> = {}): string {
    return JSON.stringify({ seniors: seniors.map((s) => ({ id: s.id, publicKey: this.pub(s.key) })), ...extra }, null, 2) + '\n';
  }

  cleanup(): void {
    rmSync(this.base, { recursive: true, force: true });
  }
}

/**
 * Temporary repositories for one `describe` block, all removed after it: `fresh()` makes one,
 * `track(repo)` adopts one made elsewhere. Call inside the `describe` body.
 */
export function tempRepos(): { fresh(): TempRepo; track(repo: TempRepo): TempRepo } {
  const repos: TempRepo[] = [];
  after(() => repos.forEach((r) => r.cleanup()));
  const track = (repo: TempRepo): TempRepo => {
    repos.push(repo);
    return repo;
  };
  return { fresh: () => track(new TempRepo()), track };
}
