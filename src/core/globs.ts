// Checks that a glob from the rules file is usable and bounded before minimatch compiles it.
import { minimatch } from 'minimatch';

/** Globs across one rules file; more is a generated list, not a policy anyone can review. */
export const MAX_GLOBS = 1000;
export const MAX_GLOB_LENGTH = 1000;
/** `{a,b}{c,d}...` multiplies; minimatch compiles one regular expression per expansion. */
export const MAX_BRACE_EXPANSIONS = 1000;
/**
 * Wildcards in one segment become `.*`-like runs in one regular expression, and a failing match
 * backtracks through every way of splitting the segment among them: n^k steps. Measured on a
 * 255-character segment: 3 runs take milliseconds, 4 take seconds, 5 do not finish in a minute.
 */
export const MAX_WILDCARDS_PER_SEGMENT = 3;
/** Each `**` retries the rest of the pattern at every depth: d^k steps (4 at depth 100: a second). */
export const MAX_GLOBSTARS = 3;

/**
 * What makes a wildcard pattern's matching time blow up, or undefined. `separators` splits the
 * pattern into the segments a wildcard cannot cross (`/` for paths, `.` and brackets for key
 * paths). Extglob groups (`*(a|b)`, `+(...)`) count as wildcards.
 */
export function wildcardProblem(pattern: string, separators: RegExp = /\//): string | undefined {
  let globstars = 0;
  for (const segment of pattern.split(separators)) {
    if (segment === '**') {
      globstars++;
      continue;
    }
    const runs = (segment.match(/\*+|[?+@!]\(/g) ?? []).length;
    if (runs > MAX_WILDCARDS_PER_SEGMENT) {
      return `${runs} wildcards in one segment ('${segment.length > 40 ? segment.slice(0, 40) + '...' : segment}'); the limit is ${MAX_WILDCARDS_PER_SEGMENT}, since matching time grows as the segment length to that power`;
    }
  }
  if (globstars > MAX_GLOBSTARS) return `${globstars} '**' segments; the limit is ${MAX_GLOBSTARS}, since each one multiplies matching time by the path depth`;
  return undefined;
}

/**
 * How many patterns brace expansion turns `pattern` into, computed without expanding, capped at
 * `cap` so `{1..999999999}` or thirty `{a,b}` groups cost nothing to measure.
 */
export function braceExpansionCount(pattern: string, cap = Number.MAX_SAFE_INTEGER): number {
  let total = 1;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '{') {
      const close = matchingBrace(pattern, i);
      if (close < 0) {
        i++;
        continue;
      }
      const body = pattern.slice(i + 1, close);
      const parts = splitTopLevel(body);
      let n: number;
      if (parts.length > 1) {
        n = 0;
        for (const p of parts) n = Math.min(n + braceExpansionCount(p, cap), cap);
      } else {
        n = sequenceLength(body) ?? braceExpansionCount(body, cap);
      }
      total = Math.min(total * Math.max(n, 1), cap);
      i = close + 1;
      continue;
    }
    i++;
  }
  return total;
}

function matchingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

/** `{1..10}`, `{a..z}`, `{0..100..5}`: the number of items, or undefined when not a sequence. */
function sequenceLength(body: string): number | undefined {
  const m = /^(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(?:\.\.(-?\d+))?$/.exec(body);
  if (!m) return undefined;
  const numeric = /\d/.test(m[1]) && /\d/.test(m[2]);
  const from = numeric ? Number(m[1]) : m[1].charCodeAt(0);
  const to = numeric ? Number(m[2]) : m[2].charCodeAt(0);
  const step = Math.abs(Number(m[3] ?? 1)) || 1;
  return Math.floor(Math.abs(to - from) / step) + 1;
}

/** What is wrong with a path glob, or undefined when it is fine. */
export function globProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_GLOB_LENGTH) return `glob is ${pattern.length} characters long; the limit is ${MAX_GLOB_LENGTH}`;
  if (!pattern.trim()) return 'glob is empty';
  if (pattern !== pattern.trim()) return 'glob has leading or trailing whitespace, which would have to match literally';
  if (pattern.startsWith('/') || /^[A-Za-z]:[\\/]/.test(pattern)) {
    return 'globs match repository-relative paths; remove the leading / (or drive letter)';
  }
  if (/(^|\/)\.\.(\/|$)/.test(pattern)) return 'globs match paths inside the repository; ".." never matches';
  if (/\\[A-Za-z0-9]/.test(pattern)) {
    return 'use forward slashes in globs; a backslash escapes the next character';
  }
  const wild = wildcardProblem(pattern);
  if (wild) return wild;
  const expansions = braceExpansionCount(pattern, MAX_BRACE_EXPANSIONS + 1);
  if (expansions > MAX_BRACE_EXPANSIONS) {
    return `brace expansion yields more than ${MAX_BRACE_EXPANSIONS} patterns; split it or use * instead`;
  }
  try {
    new minimatch.Minimatch(pattern, { dot: true, nocomment: true });
  } catch (err) {
    return `not a valid glob: ${err instanceof Error ? err.message : String(err)}`;
  }
  return undefined;
}
