// Findings in uncommitted, unstaged edits: each modified or untracked file on disk against its
// index version, judged by the same policy and records as the staged change. Git never stores the
// disk content (no `hash-object -w`), so the blob id for AI-origin lookups is computed here.
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Finding } from './findings';
import { gitRaw, parseRawDiff, readObjects } from './git';
import { AnalysisCache } from './review/cache';
import { aiLines, originInRange, readProvenanceChecked } from './provenance';
import { analysisKey, type ReviewTools } from './review/engine';
import type { ReviewInput } from './review/inputs';
import { evaluatePolicy, policyWithoutProvenance, type ReviewedFinding } from './review/policy';
import { parseRules, RULES_FILE, type RulesConfig } from './rules';

export interface WorktreeOptions {
  version: string;
  cacheDir?: string;
  now: Date;
  /** Larger files are skipped (the analyser has its own limit; this keeps the refresh cheap). */
  maxBytes?: number;
}

export interface WorktreeResult {
  findings: ReviewedFinding[];
  errors: string[];
  /** Modification time of each file with findings, for the finding's age. */
  mtimes: Map<string, Date>;
}

/** `git hash-object` without writing: the id the content would have as a blob. */
export function blobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

interface DiskChange {
  path: string;
  /** Index blob, '' for untracked files. */
  indexBlob: string;
}

function diskChanges(input: ReviewInput): DiskChange[] {
  const out: DiskChange[] = [];
  const diff = gitRaw(['diff-files', '--raw', '-z', '--no-abbrev', '--'], { cwd: input.root, env: input.env });
  if (diff.code === 0) {
    for (const c of parseRawDiff(diff.stdout)) {
      if (c.status === 'D' || c.status === 'U' || c.newMode === '160000' || c.newMode === '120000') continue;
      out.push({ path: c.path, indexBlob: c.oldBlob });
    }
  }
  const others = gitRaw(['ls-files', '-z', '--others', '--exclude-standard', '--full-name'], { cwd: input.root, env: input.env });
  if (others.code === 0) {
    for (const p of others.stdout.toString('utf8').split('\0')) if (p && !p.endsWith('/')) out.push({ path: p, indexBlob: '' });
  }
  return out.filter((c) => !c.path.startsWith('.foureyes/'));
}

export async function worktreeFindings(input: ReviewInput, policy: RulesConfig, tools: ReviewTools, opts: WorktreeOptions): Promise<WorktreeResult> {
  const errors: string[] = [];
  const mtimes = new Map<string, Date>();
  const changes = diskChanges(input);
  if (!changes.length || !tools.analyze || !tools.resolve) return { findings: [], errors, mtimes };
  let target: RulesConfig = {};
  if (input.targetRules) {
    try {
      target = parseRules(input.targetRules.text.replace(/^\uFEFF/, ''), `${RULES_FILE} (staged)`);
    } catch (err) {
      errors.push(`rules file ${RULES_FILE} (staged) cannot be read: ${(err as Error).message}`);
      return { findings: [], errors, mtimes };
    }
  }
  const resolved = tools.resolve(target, input.targetRules ? path.join(input.root, RULES_FILE) : '');
  const maxBytes = opts.maxBytes ?? 2 * 1024 * 1024;
  const cache = new AnalysisCache(opts.cacheDir);
  const indexBlobs = readObjects(input.root, changes.map((c) => c.indexBlob).filter(Boolean), input.env);
  const provenanceRead = readProvenanceChecked(input.gitDir, input.commonDir);
  const provenance = provenanceRead.record;
  const findings: Finding[] = [];
  for (const c of changes) {
    const abs = path.join(input.root, c.path);
    let after: Buffer;
    try {
      const st = lstatSync(abs);
      if (!st.isFile() || st.size > maxBytes) continue;
      after = readFileSync(abs);
      mtimes.set(c.path, st.mtime);
    } catch (err) {
      errors.push(`${c.path}: cannot read the working-tree file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      continue;
    }
    const blob = blobId(after);
    const key = analysisKey(opts.version, input.targetRules?.id, c.path, c.indexBlob, blob);
    let result = cache.get(key);
    if (!result) {
      const before = c.indexBlob ? (indexBlobs.get(c.indexBlob) ?? null) : null;
      result = await tools.analyze({ path: c.path, before, after }, resolved);
      cache.set(key, result);
    }
    const entries = provenance?.files[c.path];
    const ai = entries?.length ? aiLines(entries, after.toString('utf8'), blob) : undefined;
    for (const f of result.findings) {
      const origin = ai ? originInRange(ai, f.range.startLine, f.range.endLine) : undefined;
      if (origin) f.aiOrigin = origin;
      findings.push(f);
    }
  }
  cache.save();
  const judged = evaluatePolicy({ findings, records: input.records, policy: policyWithoutProvenance(policy, !!provenanceRead.unreadable), authorsOf: input.authorsOf, now: opts.now, repository: input.repository });
  return { findings: judged.findings, errors, mtimes };
}
