// Time and memory bounds on analysing one file. The parse has its own budget (parse.ts); lowering
// and detectors are plain synchronous JavaScript, so they are bounded cooperatively: the walks
// every lowerer and detector goes through (LowerContext ranges, the root scanner, the model's
// walk/get/values, grant coverage, finding construction) call `checkBudget`, which throws
// `BudgetExceeded` once the file's time is spent or the heap is close to its limit. The file is
// then reported as not analysed instead of holding the hook or aborting the process.
import { getHeapStatistics } from 'node:v8';

export class BudgetExceeded extends Error {
  override readonly name = 'BudgetExceeded';
}

/** A file's analysis allowance; time is counted only while one of its bounded sections runs. */
export interface Budget {
  limitMs: number;
  usedMs: number;
}

/** Lowering plus detectors, both sides: 10 s plus 10 ms per KB (as the parse budget). */
export function analysisBudgetMs(chars: number): number {
  return override ? override(chars) : 10_000 + chars / 100;
}

let override: ((chars: number) => number) | undefined;

/** Replaces the analysis budget (tests); undefined restores the default. */
export function setAnalysisBudget(budget: ((chars: number) => number) | undefined): void {
  override = budget;
}

/** Stop before V8's own out-of-memory abort, which no caller could report. */
const HEAP_FRACTION = 0.8;

let current: Budget | undefined;
let sectionStart = 0;
let label = '';
let ticks = 0;

export function newBudget(chars: number): Budget {
  return { limitMs: analysisBudgetMs(chars), usedMs: 0 };
}

/**
 * Runs a synchronous section under a budget (nested sections keep the outer budget). `what`
 * names the stage for the message ("lowering", "detector iam-aws").
 */
export function withinBudget<T>(budget: Budget | undefined, what: string, fn: () => T): T {
  if (!budget || current) return fn();
  current = budget;
  sectionStart = performance.now();
  label = what;
  try {
    checkBudget(true);
    return fn();
  } finally {
    budget.usedMs += performance.now() - sectionStart;
    current = undefined;
  }
}

/** Cheap enough for inner loops: looks at the clock and the heap every 1,024 calls. */
export function checkBudget(now = false): void {
  if (!current) return;
  if (!now && (++ticks & 1023) !== 0) return;
  const spent = current.usedMs + performance.now() - sectionStart;
  if (spent > current.limitMs) {
    throw new BudgetExceeded(`${label} stopped after ${(spent / 1000).toFixed(1)} s (the limit for this file is ${(current.limitMs / 1000).toFixed(0)} s)`);
  }
  const heap = getHeapStatistics();
  if (heap.used_heap_size > heap.heap_size_limit * HEAP_FRACTION) {
    throw new BudgetExceeded(`${label} stopped at ${Math.round(heap.used_heap_size / 1048576)} MB of heap (the process limit is ${Math.round(heap.heap_size_limit / 1048576)} MB)`);
  }
}
