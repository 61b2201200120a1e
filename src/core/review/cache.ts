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

const MAX_ENTRIES = 4000;

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
      for (const [file, text] of this.pending) writeFileAtomic(file, text);
      this.pending.clear();
      // The single-file cache of earlier versions: nothing reads it any more.
      rmSync(path.join(path.dirname(this.dir), 'analysis.json'), { force: true });
      this.prune();
    } catch {
      // A read-only git directory must not fail the check; the next run re-analyses.
    }
  }

  /** Keeps the newest MAX_ENTRIES entries; only runs after writing, i.e. on the slow path. */
  private prune(): void {
    const files: Array<{ file: string; t: number }> = [];
    for (const shard of readdirSync(this.dir!)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of readdirSync(path.join(this.dir!, shard))) files.push({ file: path.join(this.dir!, shard, name), t: 0 });
    }
    if (files.length <= MAX_ENTRIES) return;
    for (const f of files) f.t = statSync(f.file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    files.sort((a, b) => b.t - a.t);
    for (const f of files.slice(MAX_ENTRIES)) unlinkSync(f.file);
  }
}
