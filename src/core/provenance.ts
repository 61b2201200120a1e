// The AI-provenance record: where AI-origin text went. The extension writes it, the hook reads it;
// both use this module so there is one format. It lives under the git directory (never committed)
// and is advisory: a missing or unreadable record means "origin unknown", never failure.
//
// Entries are keyed by line fingerprints (hashes of whitespace-normalised lines) so that the hook
// can find AI-origin text in the staged blob even after lines above it were added or removed,
// the block was moved, or line endings changed on the way into the index.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './atomic-write';
import type { AiOrigin } from './findings';

export const PROVENANCE_FILE = 'foureyes/provenance.json';
export const PROVENANCE_VERSION = 2;

/** Entries older than this are dropped on every write whatever their state. */
export const MAX_ENTRY_AGE_DAYS = 30;
/** Bounds the record so that a runaway agent cannot make the hook slow. */
export const MAX_ENTRIES_PER_FILE = 200;
export const MAX_LINES_PER_ENTRY = 2000;

export interface ProvenanceEntry {
  /** Stable across rewrites, so an owner can replace its own entries. */
  id: string;
  /** The writer (one VS Code window) that owns the entry. */
  session: string;
  origin: AiOrigin;
  /** ISO time the text was recorded. */
  at: string;
  /** 1-based inclusive line span in the content the entry was last written against. */
  startLine: number;
  endLine: number;
  /** Git blob id of that content; when it equals the staged blob the span is used as is. */
  blob?: string;
  /**
   * Fingerprints of the lines startLine..endLine. A fingerprint starting with `~` is weak
   * (a brace, a blank line): it counts only next to a strong line of the same entry.
   */
  lines: string[];
}

export interface ProvenanceRecord {
  version: typeof PROVENANCE_VERSION;
  /** Repository-relative paths with forward slashes. */
  files: Record<string, ProvenanceEntry[]>;
}

export function emptyRecord(): ProvenanceRecord {
  return { version: PROVENANCE_VERSION, files: {} };
}

export function provenancePath(gitDir: string): string {
  return path.join(gitDir, PROVENANCE_FILE);
}

const ORIGINS: ReadonlySet<string> = new Set<AiOrigin>(['inline-completion', 'chat-edit', 'agent-write', 'paste', 'unknown']);

function validEntry(e: unknown): e is ProvenanceEntry {
  if (!e || typeof e !== 'object') return false;
  const x = e as Record<string, unknown>;
  return (
    typeof x.id === 'string' &&
    typeof x.session === 'string' &&
    typeof x.origin === 'string' &&
    ORIGINS.has(x.origin) &&
    typeof x.at === 'string' &&
    Number.isInteger(x.startLine) &&
    Number.isInteger(x.endLine) &&
    (x.startLine as number) >= 1 &&
    (x.endLine as number) >= (x.startLine as number) &&
    (x.blob === undefined || typeof x.blob === 'string') &&
    Array.isArray(x.lines) &&
    x.lines.every((l) => typeof l === 'string')
  );
}

/** Parses record text; entries that do not fit the format are dropped one by one. */
export function parseProvenance(text: string): ProvenanceRecord | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!data || typeof data !== 'object') return undefined;
  const d = data as { version?: unknown; files?: unknown };
  if (d.version !== PROVENANCE_VERSION || !d.files || typeof d.files !== 'object' || Array.isArray(d.files)) return undefined;
  const record = emptyRecord();
  for (const [p, entries] of Object.entries(d.files as Record<string, unknown>)) {
    if (!Array.isArray(entries)) continue;
    const ok = entries.filter(validEntry);
    if (ok.length) record.files[p] = ok;
  }
  return record;
}

export interface ProvenanceRead {
  record?: ProvenanceRecord;
  /** A record file exists but cannot be used: the file and why. */
  unreadable?: string;
}

/**
 * The record for a repository: the worktree's git directory first, then the common one. A file
 * that exists but cannot be read or parsed is reported, so a check that depends on AI origin
 * (`review.require: "ai-only"`) can fail closed instead of treating everything as human-written.
 */
export function readProvenanceChecked(gitDir: string, commonDir?: string): ProvenanceRead {
  for (const dir of commonDir && commonDir !== gitDir ? [gitDir, commonDir] : [gitDir]) {
    const file = provenancePath(dir);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      return { unreadable: `${file}: ${(err as Error).message}` };
    }
    const record = parseProvenance(text);
    return record ? { record } : { unreadable: `${file}: not a version ${PROVENANCE_VERSION} provenance record (invalid JSON or unknown format)` };
  }
  return {};
}

export function readProvenance(gitDir: string, commonDir?: string): ProvenanceRecord | undefined {
  return readProvenanceChecked(gitDir, commonDir).record;
}

/** Writes the whole record atomically (temp file, rename): readers never see half a record. */
export function writeProvenance(gitDir: string, record: ProvenanceRecord): void {
  const file = provenancePath(gitDir);
  try {
    writeFileAtomic(file, JSON.stringify(record));
  } catch (err) {
    throw new Error(`cannot write the provenance record ${file}: ${(err as Error).message}`);
  }
}

/**
 * Replaces one session's entries with `mine` and keeps everyone else's, dropping entries past
 * their age and files without entries. Read-modify-write so that two windows on one repository
 * do not erase each other's entries.
 */
export function mergeSession(current: ProvenanceRecord | undefined, session: string, mine: Record<string, ProvenanceEntry[]>, now: Date): ProvenanceRecord {
  const out = emptyRecord();
  const oldest = now.getTime() - MAX_ENTRY_AGE_DAYS * 86_400_000;
  const keep = (e: ProvenanceEntry): boolean => {
    const t = Date.parse(e.at);
    return Number.isFinite(t) && t >= oldest;
  };
  const add = (p: string, e: ProvenanceEntry): void => {
    (out.files[p] ??= []).push(e);
  };
  for (const [p, entries] of Object.entries(current?.files ?? {})) {
    for (const e of entries) if (e.session !== session && keep(e)) add(p, e);
  }
  for (const [p, entries] of Object.entries(mine)) for (const e of entries) if (keep(e)) add(p, e);
  for (const [p, entries] of Object.entries(out.files)) {
    if (entries.length > MAX_ENTRIES_PER_FILE) {
      out.files[p] = entries.sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, MAX_ENTRIES_PER_FILE);
    }
  }
  return out;
}

// ---- line fingerprints ----

export function normaliseLine(line: string): string {
  return line.replace(/\s+/g, ' ').trim();
}

function isWeak(normalised: string): boolean {
  return (normalised.match(/\w/g)?.length ?? 0) < 3;
}

export function lineFingerprint(line: string): string {
  const n = normaliseLine(line);
  const h = createHash('sha256').update(n).digest('base64url').slice(0, 16);
  return isWeak(n) ? `~${h}` : h;
}

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Git's blob id for content, so the extension can name the buffer the way the index will. */
export function gitBlobId(content: string | Buffer): string {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return createHash('sha1').update(`blob ${buf.length}\0`).update(buf).digest('hex');
}

/** Fingerprints of lines startLine..endLine (1-based, inclusive) of the given lines. */
export function fingerprintSpan(lines: readonly string[], startLine: number, endLine: number): string[] {
  const out: string[] = [];
  const last = Math.min(endLine, lines.length, startLine + MAX_LINES_PER_ENTRY - 1);
  for (let i = startLine; i <= last; i++) out.push(lineFingerprint(lines[i - 1]));
  return out;
}

// ---- matching ----

/** An index of a content's line fingerprints, built once per file and reused for every entry. */
export interface ContentIndex {
  fingerprints: string[];
  positions: Map<string, number[]>;
  blob?: string;
}

export function indexContent(content: string, blob?: string): ContentIndex {
  const fingerprints = splitLines(content).map(lineFingerprint);
  const positions = new Map<string, number[]>();
  fingerprints.forEach((f, i) => {
    const list = positions.get(f);
    if (list) list.push(i);
    else positions.set(f, [i]);
  });
  return { fingerprints, positions, blob };
}

/**
 * The 1-based lines of the content that hold the entry's text. Each strong line is placed where
 * its fingerprint occurs; among several occurrences, the one agreeing with most of the entry's
 * other lines wins, then the one nearest the recorded position. Weak lines are taken only when
 * they sit next to a placed line exactly as they did in the entry.
 */
export function matchEntry(entry: ProvenanceEntry, index: ContentIndex): number[] {
  const f = index.fingerprints;
  if (index.blob && entry.blob === index.blob) {
    const out: number[] = [];
    for (let l = entry.startLine; l <= Math.min(entry.endLine, f.length); l++) out.push(l);
    return out;
  }
  const e = entry.lines;
  const strong = e.map((x, i) => (x.startsWith('~') ? -1 : i)).filter((i) => i >= 0);
  const hit = new Set<number>();
  const agreement = (offset: number): number => {
    let n = 0;
    for (const j of strong) if (f[offset + j] === e[j]) n++;
    return n;
  };
  const place = (j: number, candidates: number[]): number | undefined => {
    let best: number | undefined;
    let bestScore = -1;
    let bestDist = Infinity;
    for (const p of candidates) {
      const score = agreement(p - j);
      const dist = Math.abs(p - (entry.startLine - 1 + j));
      if (score > bestScore || (score === bestScore && dist < bestDist)) {
        best = p;
        bestScore = score;
        bestDist = dist;
      }
    }
    return best;
  };
  if (strong.length === 0) {
    // Only weak lines: accept nothing short of the whole sequence.
    const starts = (index.positions.get(e[0]) ?? []).filter((p) => e.every((x, i) => f[p + i] === x));
    const p = place(0, starts);
    if (p !== undefined) e.forEach((_, i) => hit.add(p + i + 1));
    return [...hit].sort((a, b) => a - b);
  }
  for (const j of strong) {
    const candidates = index.positions.get(e[j]);
    if (!candidates) continue;
    const p = place(j, candidates);
    if (p === undefined) continue;
    hit.add(p + 1);
    for (const dir of [-1, 1]) {
      for (let i = j + dir; i >= 0 && i < e.length && e[i].startsWith('~'); i += dir) {
        if (f[p + (i - j)] !== e[i]) break;
        hit.add(p + (i - j) + 1);
      }
    }
  }
  return [...hit].sort((a, b) => a - b);
}

/** Per 1-based line of the content, the origin of the most recent entry covering it. */
export function aiLines(entries: readonly ProvenanceEntry[], content: string, blob?: string): Map<number, AiOrigin> {
  const index = indexContent(content, blob);
  const out = new Map<number, AiOrigin>();
  const sorted = [...entries].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const e of sorted) for (const l of matchEntry(e, index)) out.set(l, e.origin);
  return out;
}

/** The origin of any AI-origin line inside startLine..endLine, if there is one. */
export function originInRange(lines: ReadonlyMap<number, AiOrigin>, startLine: number, endLine: number): AiOrigin | undefined {
  for (let l = startLine; l <= endLine; l++) {
    const o = lines.get(l);
    if (o) return o;
  }
  return undefined;
}

function containsAll(entry: ProvenanceEntry, index: ContentIndex): boolean {
  const strong = entry.lines.filter((l) => !l.startsWith('~'));
  if (strong.length) return strong.every((l) => index.positions.has(l));
  return matchEntry(entry, index).length > 0;
}

/**
 * Entries still worth keeping: `committed(path)` gives the committed content of a file (HEAD),
 * `current(path)` its content now (buffer or disk; undefined when deleted). An entry whose text
 * is in HEAD was committed; one whose text is nowhere in the current content was discarded.
 */
export function pruneEntries(
  files: Record<string, ProvenanceEntry[]>,
  committed: (path: string) => string | undefined,
  current: (path: string) => string | undefined,
): Record<string, ProvenanceEntry[]> {
  const out: Record<string, ProvenanceEntry[]> = {};
  for (const [p, entries] of Object.entries(files)) {
    const now = current(p);
    if (now === undefined) continue;
    const head = committed(p);
    const headIndex = head === undefined ? undefined : indexContent(head);
    const nowIndex = indexContent(now);
    const kept = entries.filter((e) => {
      const loose = { ...e, blob: undefined };
      if (matchEntry(loose, nowIndex).length === 0) return false;
      return !headIndex || !containsAll(loose, headIndex);
    });
    if (kept.length) out[p] = kept;
  }
  return out;
}

/**
 * The origin recorded for a line span of a blob, from the spans alone (no content to match):
 * for history, where only blob ids are at hand. Entries written against another blob are not
 * consulted.
 */
export function originOfBlobSpan(record: ProvenanceRecord, file: string, blob: string, startLine: number, endLine: number): AiOrigin | undefined {
  for (const e of record.files[file] ?? []) {
    if (e.blob === blob && e.startLine <= endLine && e.endLine >= startLine) return e.origin;
  }
  return undefined;
}
