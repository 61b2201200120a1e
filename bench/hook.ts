// Benchmark: the installed pre-commit hook on a 20-file Terraform/YAML/TS commit, side by side
// with `node -e 0` (the target: warm hook at most 2x) and `git diff --cached --name-only` (the
// floor any git-based hook pays). The repository has a rules file with a senior and a base commit,
// so the hook does what it does in a real repository: every staged file is modified, and the
// before and after blobs are read. Rounds interleave the commands (a loaded machine slows them
// alike), and each command reports its median. Cold = analysis cache emptied before the run.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BenchResult } from './run';

// A public key only (its private half was thrown away): the senior the rules file names.
const SENIOR_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID7cNhjoj6uBCOxJJ09M3OdGmH3yVzOk4oKDhROakTCW bench-senior';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function writeFiles(base: string, version: number): void {
  for (let i = 0; i < 7; i++) {
    const dir = path.join(base, `infra/m${i}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'main.tf'),
      `resource "aws_s3_bucket" "b${i}" {\n  bucket = "bucket-${i}-v${version}"\n  tags = { env = "staging" }\n}\n\nresource "aws_iam_role_policy" "p${i}" {\n  role = "app-${i}"\n  policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::bucket-${i}/*" }]\n  })\n}\n`,
    );
    writeFileSync(path.join(dir, `dep${i}.yaml`), `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app${i}\nspec:\n  replicas: ${i + version}\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/app:${version}.0.${i}\n`);
    if (i < 6) writeFileSync(path.join(dir, 'config.ts'), `export const config = {\n  url: "https://api${i}.staging.example.com/v${version}",\n  retries: ${i + version},\n};\n`);
  }
}

export function hookBench(cli: string, runs: number): BenchResult[] {
  const base = mkdtempSync(path.join(os.tmpdir(), 'foureyes-bench-'));
  // What git exports to a pre-commit hook (the author of the commit being made), and nothing global.
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com' };
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: base, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  try {
    git('init', '-q');
    mkdirSync(path.join(base, '.foureyes'));
    writeFileSync(path.join(base, '.foureyes/rules.jsonc'), JSON.stringify({ seniors: [{ id: 'senior@example.com', publicKey: SENIOR_KEY }] }, null, 2) + '\n');
    writeFiles(base, 1);
    git('add', '.');
    git('commit', '-q', '--no-verify', '-m', 'base');
    writeFiles(base, 2);
    git('add', '.');
    const inst = spawnSync(process.execPath, [cli, 'hook', 'install'], { cwd: base, env, encoding: 'utf8' });
    if (inst.status !== 0) throw new Error(`hook install: ${inst.stderr}`);
    const hookFile = path.join(base, '.git/hooks/pre-commit');
    const cache = path.join(base, '.git/foureyes/cache');
    const hook = (): SpawnSyncReturns<Buffer> => {
      // As git runs it: the hook file itself, from the top of the working tree.
      const r = spawnSync(hookFile, [], { cwd: base, env });
      if (r.status !== 0) throw new Error(`hook failed (exit ${r.status}): ${r.stderr}`);
      return r;
    };
    const commands: Array<{ name: string; run: () => void; before?: () => void; every: number }> = [
      { name: 'node -e 0', run: () => spawnSync(process.execPath, ['-e', '0']), every: 1 },
      { name: 'git diff --cached --name-only', run: () => spawnSync('git', ['diff', '--cached', '--name-only'], { cwd: base, env }), every: 1 },
      { name: 'hook, 20 staged files (warm cache)', run: hook, every: 1 },
      // Cold runs are slow: one every third round.
      { name: 'hook, 20 staged files (cold: cache emptied)', run: hook, before: () => rmSync(cache, { recursive: true, force: true }), every: 3 },
    ];
    hook();
    const samples = commands.map(() => [] as number[]);
    for (let round = 0; round < runs; round++) {
      // Rotate the order so no command always runs right after the slow one.
      for (let k = 0; k < commands.length; k++) {
        const i = (k + round) % commands.length;
        const c = commands[i];
        if (round % c.every) continue;
        c.before?.();
        const t0 = process.hrtime.bigint();
        c.run();
        samples[i].push(Number(process.hrtime.bigint() - t0) / 1e6);
        // Leave the cache warm for the next warm run.
        if (c.before) hook();
      }
    }
    const nodeMs = median(samples[0]);
    return commands.map((c, i) => ({
      name: c.name,
      medianMs: median(samples[i]),
      runs: samples[i].length,
      ...(i ? { ratio: median(samples[i]) / nodeMs } : {}),
      ...(c.name.includes('warm') ? { target: 'at most 2x node -e 0' } : {}),
    }));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
