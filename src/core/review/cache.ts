// Analysis cache under the git directory: findings per (path, before blob, after blob, rules,
// tool version), so the hook never re-parses a blob it has seen. One JSON file, written atomically.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FileNote } from '../analyze';
import type { Finding } from '../findings';

export interface CachedAnalysis {
  findings: Finding[];
  notes: FileNote[];
  analysed: boolean;
}

interface CacheFile {
  version: 1;
  entries: Record<string, CachedAnalysis & { t: number }>;
}

const MAX_ENTRIES = 4000;

export class AnalysisCache {
  private data: CacheFile = { version: 1, entries: {} };
  private dirty = false;

  constructor(readonly file: string | undefined) {
    if (!file) return;
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
      if (parsed && parsed.version === 1 && parsed.entries && typeof parsed.entries === 'object') this.data = parsed;
    } catch {
      // Missing or corrupt: start empty; the cache only ever saves work.
    }
  }

  static key(parts: string[]): string {
    return createHash('sha256').update(parts.join('\0')).digest('hex');
  }

  get(key: string): CachedAnalysis | undefined {
    const e = this.data.entries[key];
    if (!e || !Array.isArray(e.findings) || !Array.isArray(e.notes)) return undefined;
    // Callers may mutate findings (review state, aiOrigin): hand out copies.
    return JSON.parse(JSON.stringify({ findings: e.findings, notes: e.notes, analysed: e.analysed })) as CachedAnalysis;
  }

  set(key: string, value: CachedAnalysis): void {
    this.data.entries[key] = { ...JSON.parse(JSON.stringify(value)), t: Date.now() };
    this.dirty = true;
  }

  save(): void {
    if (!this.file || !this.dirty) return;
    const entries = Object.entries(this.data.entries);
    if (entries.length > MAX_ENTRIES) {
      entries.sort((a, b) => b[1].t - a[1].t);
      this.data.entries = Object.fromEntries(entries.slice(0, MAX_ENTRIES));
    }
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.data));
      renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      // A read-only git directory must not fail the check; the next run re-analyses.
    }
  }
}
