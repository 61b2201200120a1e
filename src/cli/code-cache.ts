// Loading a CommonJS bundle with a V8 code cache beside it (`<file>.v8cache`), so the hook's
// process skips parsing and compiling the full CLI. V8 checks the cache against the source, its
// own version and flags and rejects a mismatch; a rejected or missing cache only costs the normal
// compile, and is rewritten after the run, once the functions the run needed are compiled too.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

export interface CachedModule<T> {
  exports: T;
  /** Whether V8 accepted the cache file (false: missing, stale or corrupt; compiled from source). */
  cacheAccepted: boolean;
  /** Writes a fresh cache when this load could not use one (atomically; failures are ignored). */
  saveIfNeeded(): boolean;
}

export function codeCacheFile(file: string): string {
  return `${file}.v8cache`;
}

function readMaybe(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes a code cache for `script` to `file`: temp file, rename; false when it could not. */
export function writeCodeCache(script: vm.Script, file: string): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, file);
    return true;
  } catch {
    // A read-only runtime directory: the next run compiles from source, nothing else changes.
    rmSync(tmp, { force: true });
    return false;
  }
}

/**
 * `require(file)` for a self-contained CommonJS bundle (it requires only node built-ins or paths
 * relative to itself, and has no `import()`: a vm script has no loader for it), compiled with the
 * code cache when V8 accepts it.
 */
export function requireWithCodeCache<T>(file: string): CachedModule<T> {
  const cacheFile = codeCacheFile(file);
  // The CLI bundle starts with a shebang, valid only at the very start of a script, not inside
  // the module wrapper; blanking it keeps line numbers.
  const source = readFileSync(file, 'utf8').replace(/^#!.*/, '');
  const cachedData = readMaybe(cacheFile);
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const cacheAccepted = !!cachedData && !script.cachedDataRejected;
  const mod = new Module(file, require.main);
  mod.filename = file;
  const req = createRequire(file);
  const fn = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  fn.call(mod.exports, mod.exports, req, mod, file, path.dirname(file));
  mod.loaded = true;
  let saved = false;
  return {
    exports: mod.exports as T,
    cacheAccepted,
    saveIfNeeded: () => {
      if (cacheAccepted || saved) return false;
      saved = writeCodeCache(script, cacheFile);
      return saved;
    },
  };
}
