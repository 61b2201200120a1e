// Benchmark: the installed pre-commit hook on a 20-file Terraform/YAML/TS commit, side by side
// with `node -e 0`. Cold = analysis cache emptied before each run; warm = the hook as re-run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BenchResult } from './run';

function timeRuns(n: number, fn: () => void, before?: () => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    before?.();
    const t0 = process.hrtime.bigint();
    fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function hookBench(cli: string, runs: number): BenchResult[] {
  const base = mkdtempSync(path.join(os.tmpdir(), 'foureyes-bench-'));
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x' };
  const git = (...args: string[]) => spawnSync('git', args, { cwd: base, env, encoding: 'utf8' });
  try {
    git('init', '-q');
    for (let i = 0; i < 7; i++) {
      mkdirSync(path.join(base, `infra/m${i}`), { recursive: true });
      writeFileSync(path.join(base, `infra/m${i}/main.tf`), `resource "aws_s3_bucket" "b${i}" {\n  bucket = "bucket-${i}"\n  tags = { env = "staging" }\n}\n`);
      writeFileSync(path.join(base, `k8s/dep${i}.yaml`.replace('k8s/', `infra/m${i}/`)), `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app${i}\nspec:\n  replicas: ${i + 1}\n`);
      if (i < 6) writeFileSync(path.join(base, `infra/m${i}/config.ts`), `export const config = { url: "https://api${i}.staging.example.com", retries: ${i} };\n`);
    }
    git('add', '.');
    spawnSync(process.execPath, [cli, 'hook', 'install'], { cwd: base, env });
    const runner = path.join(base, '.git/foureyes/runtime/pre-commit.sh');
    const cache = path.join(base, '.git/foureyes/cache');
    const node = timeRuns(runs, () => spawnSync(process.execPath, ['-e', '0']));
    const warmHook = () => {
      const r = spawnSync('sh', [runner], { cwd: base, env });
      if (r.status !== 0) throw new Error(`hook failed: ${r.stderr}`);
    };
    warmHook();
    const warm = timeRuns(runs, warmHook);
    const cold = timeRuns(Math.max(3, Math.floor(runs / 3)), warmHook, () => rmSync(cache, { recursive: true, force: true }));
    const nodeMs = median(node);
    return [
      { name: 'node -e 0', medianMs: nodeMs, runs: node.length },
      { name: 'hook, 20 staged files (warm cache)', medianMs: median(warm), runs: warm.length, ratio: median(warm) / nodeMs, target: 'at most 2x node -e 0' },
      { name: 'hook, 20 staged files (cold: cache emptied)', medianMs: median(cold), runs: cold.length, ratio: median(cold) / nodeMs },
    ];
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
