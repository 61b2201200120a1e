// Key matching: catalogue key names (case and separator insensitive) and rules-file key-path
// patterns (`*` one segment, `**` any depth).
import type { KeyPath } from '../model';

/** `insecureSkipVerify`, `insecure_skip_verify`, `INSECURE-SKIP-VERIFY` -> insecure skip verify. */
export function words(key: string): string[] {
  let w = WORDS.get(key);
  if (!w) {
    if (WORDS.size > 50_000) WORDS.clear();
    w = splitWords(key);
    WORDS.set(key, w);
  }
  return w;
}

/** Key names repeat across a document and across files; splitting them once keeps large files cheap. */
const WORDS = new Map<string, string[]>();

function splitWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** A key name as the catalogue writes it: lower case, letters and digits only. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Words that invert what follows: `skip_verify`, `disable_tls`, `no_ssl`, `insecure_auth`. */
const NEGATIONS = new Set(['skip', 'disable', 'disabled', 'no', 'not', 'insecure', 'ignore', 'without', 'allow', 'bypass']);

export interface NameMatch {
  /** The normalised catalogue name that matched. */
  name: string;
  /** Words of the key path before the match. */
  prefix: string[];
}

/**
 * Trailing word sequences of a key path, longest names first: `spring.datasource.ssl-enabled`
 * gives `sslenabled`, `enabled`, `datasourcesslenabled`, ... so a catalogue name matches
 * however the key was split into segments or words.
 */
export function nameCandidates(names: readonly string[], maxWords = 6): NameMatch[] {
  const all = names.flatMap(words);
  const out: NameMatch[] = [];
  for (let n = 1; n <= Math.min(maxWords, all.length); n++) {
    out.push({ name: all.slice(all.length - n).join(''), prefix: all.slice(0, all.length - n) });
  }
  return out;
}

/** Whether the words before a match invert it (`skip` + `verify`), so the match must not count. */
export function negated(prefix: readonly string[]): boolean {
  const last = prefix[prefix.length - 1];
  return last !== undefined && NEGATIONS.has(last);
}

/** Compiled key-path pattern: dotted segments, `*` one segment, `**` any number of segments. */
export type KeyPattern = string[];

export function compileKeyPattern(pattern: string): KeyPattern {
  return splitPattern(pattern);
}

function splitPattern(p: string): string[] {
  const out: string[] = [];
  let cur = '';
  let bracket = false;
  for (const ch of p) {
    if (ch === '[' && !bracket) {
      if (cur) out.push(cur);
      cur = '';
      bracket = true;
    } else if (ch === ']' && bracket) {
      out.push(cur.replace(/^["']|["']$/g, ''));
      cur = '';
      bracket = false;
    } else if (ch === '.' && !bracket) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * Whether a key path matches. Keys of flat formats (`spring.datasource.url` in a .properties
 * file) are split on dots too, so one pattern serves YAML and properties alike.
 */
export function matchKeyPath(pattern: KeyPattern, path: KeyPath): boolean {
  const segs = path.map(String);
  if (matchSegs(pattern, 0, segs, 0)) return true;
  if (segs.some((s) => s.includes('.'))) {
    const split = segs.flatMap((s) => s.split('.').filter(Boolean));
    return matchSegs(pattern, 0, split, 0);
  }
  return false;
}

function matchSegs(p: string[], i: number, s: string[], j: number): boolean {
  if (i === p.length) return j === s.length;
  if (p[i] === '**') {
    for (let k = j; k <= s.length; k++) if (matchSegs(p, i + 1, s, k)) return true;
    return false;
  }
  if (j === s.length) return false;
  return segMatch(p[i], s[j]) && matchSegs(p, i + 1, s, j + 1);
}

function segMatch(p: string, s: string): boolean {
  if (p === '*') return true;
  if (!p.includes('*')) return p === s;
  const re = new RegExp('^' + p.split('*').map(escapeRe).join('.*') + '$');
  return re.test(s);
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
