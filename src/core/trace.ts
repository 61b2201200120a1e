// Timing spans for profiling the hook and the CLI: FOUREYES_TRACE=1 prints each span (ms since
// process start, duration, and the wall clock's last five digits of ms, to line up the hook's
// spans with the analysis server's) to stderr. Off by default, and then costs one property read per span.
import { performance } from 'node:perf_hooks';

const enabled = process.env.FOUREYES_TRACE === '1';

function emit(name: string, start: number, end: number): void {
  const wall = ((performance.timeOrigin + start) % 100_000).toFixed(1).padStart(7, '0');
  process.stderr.write(`foureyes-trace ${start.toFixed(1).padStart(7)} ms +${(end - start).toFixed(1).padStart(6)} ms @${wall}  ${name}\n`);
}

/** Runs `fn`, recording how long it took under `name` when tracing is on. */
export function span<T>(name: string, fn: () => T): T {
  if (!enabled) return fn();
  const start = performance.now();
  try {
    return fn();
  } finally {
    emit(name, start, performance.now());
  }
}

/** The async form of `span`: the span ends when the promise settles. */
export async function spanAsync<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (!enabled) return fn();
  const start = performance.now();
  try {
    return await fn();
  } finally {
    emit(name, start, performance.now());
  }
}

/** Records a point in time (a span of length zero), e.g. "entry module evaluated". */
export function mark(name: string): void {
  if (!enabled) return;
  const now = performance.now();
  emit(name, now, now);
}

export function tracing(): boolean {
  return enabled;
}
