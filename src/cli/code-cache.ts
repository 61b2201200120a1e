// Loading a CommonJS bundle with a V8 code cache beside it (`<file>.v8cache`), so the hook's
// process skips parsing and compiling the full CLI. V8 checks a cache against its own version and
// flags but the source only by its length, so the file carries a SHA-256 of the exact source and
// of its payload, checked before V8 sees it: a cache for other bytes, or a damaged one, is never
// used. A missing or refused cache only costs the normal compile, and is rewritten after the run,
// once the functions the run needed are compiled too.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { writeFileAtomic } from '../core/atomic-write';

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

const MAGIC = Buffer.from('foureyes-v8cache-1\n');
const HEADER = MAGIC.length + 64;

function sha256(data: string | Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

/** The V8 data in a cache file written for exactly `source`, else undefined. */
function readCache(file: string, sourceHash: Buffer): Buffer | undefined {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch {
    return undefined;
  }
  if (raw.length <= HEADER || !raw.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  if (!raw.subarray(MAGIC.length, MAGIC.length + 32).equals(sourceHash)) return undefined;
  const payload = raw.subarray(HEADER);
  return raw.subarray(MAGIC.length + 32, HEADER).equals(sha256(payload)) ? payload : undefined;
}

/** Writes a code cache for `script` (compiled from the source hashed `sourceHash`): temp file, rename. */
function writeCodeCache(script: vm.Script, sourceHash: Buffer, file: string): boolean {
  try {
    const payload = script.createCachedData();
    writeFileAtomic(file, Buffer.concat([MAGIC, sourceHash, sha256(payload), payload]));
    return true;
  } catch {
    // A read-only runtime directory: the next run compiles from source, nothing else changes.
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
  const bytes = readFileSync(file);
  // Hashing the bytes read, not the decoded string: re-encoding 1 MB of source costs more than the hash.
  const sourceHash = sha256(bytes);
  // The CLI bundle starts with a shebang, valid only at the very start of a script, not inside
  // the module wrapper; blanking it keeps line numbers.
  const source = bytes.toString('utf8').replace(/^#!.*/, '');
  const cachedData = readCache(cacheFile, sourceHash);
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
      saved = writeCodeCache(script, sourceHash, cacheFile);
      return saved;
    },
  };
}
