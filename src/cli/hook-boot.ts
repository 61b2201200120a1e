// What the runner script runs: `hook.js` loaded with a V8 code cache beside it, so the hook's
// own bundle is not parsed and compiled on every commit (~5 ms of a ~190 ms warm commit). The
// cache is written after the first staged check that ran without one, so it holds the functions
// a commit runs (a cache written at install would hold only the warm-up's). The analysis server
// and `--warm-code-cache` run `hook.js` directly.
import * as path from 'node:path';
import { requireWithCodeCache } from './code-cache';

const hook = requireWithCodeCache<unknown>(path.join(__dirname, 'hook.js'));
if (!hook.cacheAccepted && process.argv.includes('check')) process.once('exit', () => hook.saveIfNeeded());
