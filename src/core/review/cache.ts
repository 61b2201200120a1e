// Analysis cache under the git directory: findings per (path, before blob, after blob, rules,
// tool version), so the hook never re-parses a blob it has seen. One small JSON file per entry
// (`<dir>/<2 hex>/<key>.json`), so a check reads only the entries it needs however large the cache
// grows; each file is written atomically (temp file, rename).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import type { FileNote } from '../analyze';
import { writeFileAtomic } from '../atomic-write';
import type { Finding } from '../findings';
import type { RulesConfig } from '../rules';

export interface CachedAnalysis {
  findings: Finding[];
  notes: FileNote[];
  analysed: boolean;
}

/** A rules file's text, parsed and validated, or why it could not be. */
export type ParsedRules = { config: RulesConfig } | { error: string };

/**
 * Entries kept per shard (`<2 hex>/`): keys are SHA-256, so shards fill evenly and bounding each
 * bounds the whole (256 x 32 = 8,192 entries, a few MB). A shard is trimmed to this once it holds
 * `SHARD_TRIM_AT`, so a save touches only the shards it wrote to, never the whole cache (a
 * full-cache scan cost every save about 60 ms of stat calls once 4,000 entries had accumulated).
 */
export const SHARD_KEEP = 32;
const SHARD_TRIM_AT = 40;

export class AnalysisCache {
  private readonly pending = new Map<string, string>();
  private readonly rulesSet = new Map<string, ParsedRules>();

  /** `dir` undefined disables the cache. */
  constructor(readonly dir: string | undefined) {}

  static key(parts: string[]): string {
    return createHash('sha256').update(parts.join('\0')).digest('hex');
  }

  private fileFor(key: string, kind = ''): string {
    return kind ? path.join(this.dir!, kind, `${key}.json`) : path.join(this.dir!, key.slice(0, 2), `${key}.json`);
  }

  /** Whether an entry exists (not whether it is readable: `get` says that). */
  has(key: string): boolean {
    return !!this.dir && /^[0-9a-f]{64}$/.test(key) && existsSync(this.fileFor(key));
  }

  get(key: string): CachedAnalysis | undefined {
    if (!this.dir || !/^[0-9a-f]{64}$/.test(key)) return undefined;
    try {
      const e = JSON.parse(readFileSync(this.fileFor(key), 'utf8')) as Partial<CachedAnalysis>;
      if (!e || !Array.isArray(e.findings) || !Array.isArray(e.notes) || typeof e.analysed !== 'boolean') return undefined;
      return { findings: e.findings, notes: e.notes, analysed: e.analysed };
    } catch {
      // Missing or corrupt: a miss; the cache only ever saves work.
      return undefined;
    }
  }

  getRules(key: string): ParsedRules | undefined {
    // A parse set in this run answers too, also with the cache disabled (it is not saved then).
    const fresh = this.rulesSet.get(key);
    if (fresh) return fresh;
    if (!this.dir || !/^[0-9a-f]{64}$/.test(key)) return undefined;
    try {
      const e = JSON.parse(readFileSync(this.fileFor(key, 'rules'), 'utf8')) as Partial<{ config: RulesConfig; error: string }>;
      if (e && typeof e.error === 'string') return { error: e.error };
      if (e && e.config && typeof e.config === 'object' && !Array.isArray(e.config)) return { config: e.config };
      return undefined;
    } catch {
      return undefined;
    }
  }

  setRules(key: string, value: ParsedRules): void {
    this.rulesSet.set(key, value);
    if (!this.dir) return;
    this.pending.set(this.fileFor(key, 'rules'), JSON.stringify(value));
  }

  set(key: string, value: CachedAnalysis): void {
    if (!this.dir) return;
    this.pending.set(this.fileFor(key), JSON.stringify({ findings: value.findings, notes: value.notes, analysed: value.analysed }));
  }

  save(): void {
    if (!this.dir || !this.pending.size) return;
    try {
      const shards = new Set<string>();
      for (const [file, text] of this.pending) {
        writeFileAtomic(file, text);
        shards.add(path.dirname(file));
      }
      this.pending.clear();
      // The single-file cache of earlier versions: nothing reads it any more.
      rmSync(path.join(path.dirname(this.dir), 'analysis.json'), { force: true });
      for (const shard of shards) if (/^[0-9a-f]{2}$/.test(path.basename(shard))) trimShard(shard);
    } catch {
      // A read-only git directory must not fail the check; the next run re-analyses.
    }
  }
}

/** Keeps a shard's newest `SHARD_KEEP` entries once it holds `SHARD_TRIM_AT` (only ever after writing to it). */
function trimShard(dir: string): void {
  const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  if (names.length < SHARD_TRIM_AT) return;
  const files = names.map((n) => {
    const file = path.join(dir, n);
    return { file, t: statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0 };
  });
  files.sort((a, b) => b.t - a.t);
  for (const f of files.slice(SHARD_KEEP)) {
    try {
      unlinkSync(f.file);
    } catch {
      // Already gone (another process trimmed it).
    }
  }
}
