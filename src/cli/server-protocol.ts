// The messages between the hook and the warm analysis server: one request and one response per
// connection, each a 4-byte big-endian length and that many bytes of JSON. The server only
// analyses: the request is what the in-process analyser would be given (the rules as `resolve`
// receives them, and each change's bytes), the response what it would return, in the same order.
import type { AnalysisResult } from '../core/analyze';
import type { RulesConfig } from '../core/rules';
import type { ParsedRules } from '../core/review/cache';

/** Larger messages are refused (a request of this size is better analysed in process anyway). */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export interface WireChange {
  path: string;
  /** base64; null when the file did not exist before. */
  before: string | null;
  after: string;
}

export interface AnalyzeRequest {
  type: 'analyze';
  id: string;
  /** `analysisVersion` of the hook (tool version and test switches). */
  version: string;
  /** `runtimeIdentity` of the runtime copy the hook runs from. */
  runtime: string;
  rules: { config: RulesConfig; source: string };
  changes: WireChange[];
}

/** Rules files to parse and validate, as `parseRules(text, which)` (a thrown error becomes `{ error }`). */
export interface ParseRulesRequest {
  type: 'parse-rules';
  id: string;
  version: string;
  runtime: string;
  rules: Array<{ text: string; which: string }>;
}

/**
 * A head start, sent as soon as git has listed the staged change: the server reads these blobs
 * from the object database itself and analyses them under the staged rules file (parsed and
 * resolved as the engine will), keeping each result under a hash of the path, bytes and rules.
 * No answer is waited for. The `analyze` request that follows is still the only one whose
 * answer counts: a kept result is used only for exactly its bytes and rules.
 */
export interface PrepareRequest {
  type: 'prepare';
  id: string;
  version: string;
  runtime: string;
  root: string;
  /** The staged rules file's blob id; absent when there is none. */
  rulesBlob?: string;
  rulesLabel: string;
  /** The working tree's git directory: the server watches its index from then on (see `staged-watcher.ts`). */
  gitDir?: string;
  /** Blob ids ('' before: the file is new). */
  changes: Array<{ path: string; before: string; after: string }>;
}

/**
 * `analyze` with each change named by git blob ids ('' before: a new file), which the server
 * reads from the repository's object database itself (blob ids are hashes of the bytes, so these
 * are the bytes the hook would send). A blob the server cannot read is an error answer.
 */
export interface AnalyzeBlobsRequest {
  type: 'analyze-blobs';
  id: string;
  version: string;
  runtime: string;
  rules: { config: RulesConfig; source: string };
  /** `cacheKey`: where the hook's analysis cache files the result; the server writes it there after answering. */
  changes: Array<{ path: string; before: string; after: string; cacheKey?: string }>;
}

export type ServerRequest = AnalyzeRequest | ParseRulesRequest | PrepareRequest | AnalyzeBlobsRequest;

export type ServerResponse =
  | { id: string; ok: true; results: AnalysisResult[] }
  | { id: string; ok: true; parsed: ParsedRules[] }
  | { id: string; ok: true; prepared: number }
  | { id: string; mismatch: true; version: string; runtime: string }
  /** Something the server does not analyse (a change that reads other files): the hook analyses in process. */
  | { id: string; unsupported: string }
  | { id: string; error: string };

export function frame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

/** Collects one framed message from a stream's chunks. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private size = 0;

  /** Adds a chunk; returns the message once complete (throws on an oversized or malformed one). */
  push(chunk: Buffer): unknown | undefined {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size < 4) return undefined;
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.chunks = [all];
    const length = all.readUInt32BE(0);
    if (length > MAX_MESSAGE_BYTES) throw new Error(`message of ${length} bytes is larger than allowed`);
    if (all.length < 4 + length) return undefined;
    if (all.length > 4 + length) throw new Error('trailing bytes after the message');
    return JSON.parse(all.subarray(4).toString('utf8')) as unknown;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function validFinding(f: unknown, filePath: string): boolean {
  if (!isObject(f) || f.path !== filePath) return false;
  const r = f.range;
  return (
    typeof f.ruleId === 'string' &&
    typeof f.message === 'string' &&
    typeof f.fingerprint === 'string' &&
    typeof f.severity === 'string' &&
    typeof f.category === 'string' &&
    isObject(r) &&
    ['startLine', 'startColumn', 'endLine', 'endColumn'].every((k) => typeof r[k] === 'number')
  );
}

function validResult(r: unknown, filePath: string): r is AnalysisResult {
  if (!isObject(r) || typeof r.analysed !== 'boolean' || !Array.isArray(r.findings) || !Array.isArray(r.notes)) return false;
  if (!r.findings.every((f) => validFinding(f, filePath))) return false;
  return r.notes.every((n) => isObject(n) && typeof n.path === 'string' && typeof n.level === 'string' && typeof n.message === 'string');
}

type Problem = { problem: string; mismatch?: boolean; unsupported?: boolean };

function checkEnvelope(response: unknown, request: ServerRequest): { body: Record<string, unknown> } | Problem {
  if (!isObject(response)) return { problem: 'the response is not an object' };
  if (response.id !== request.id) return { problem: 'the response answers another request' };
  if (response.mismatch === true) return { problem: `the server runs version ${String(response.version)}`, mismatch: true };
  if (typeof response.unsupported === 'string') return { problem: `not for the server: ${response.unsupported}`, unsupported: true };
  if (typeof response.error === 'string') return { problem: `the server failed: ${response.error}` };
  if (response.ok !== true) return { problem: 'the response is not an answer' };
  return { body: response };
}

/** The parses of an `ok` response to a parse-rules `request`, or why it cannot be used. */
export function checkParseResponse(response: unknown, request: ParseRulesRequest): { parsed: ParsedRules[] } | Problem {
  const r = checkEnvelope(response, request);
  if (!('body' in r)) return r;
  const parsed = r.body.parsed;
  if (!Array.isArray(parsed) || parsed.length !== request.rules.length) return { problem: 'the response does not parse each rules file' };
  const ok = parsed.every((p) => isObject(p) && (typeof p.error === 'string' || (isObject(p.config) && !('error' in p))));
  return ok ? { parsed: parsed as ParsedRules[] } : { problem: 'malformed rules parse' };
}

/**
 * The results of an `ok` response to `request`, or why it cannot be used: another id, another
 * count, or anything not shaped like an analysis of those very paths.
 */
export function checkResponse(response: unknown, request: AnalyzeRequest | AnalyzeBlobsRequest): { results: AnalysisResult[] } | Problem {
  const r = checkEnvelope(response, request);
  if (!('body' in r)) return r;
  const results = r.body.results;
  if (!Array.isArray(results)) return { problem: 'the response carries no results' };
  if (results.length !== request.changes.length) return { problem: `${results.length} results for ${request.changes.length} files` };
  for (let i = 0; i < results.length; i++) {
    if (!validResult(results[i], request.changes[i].path)) return { problem: `malformed result for ${request.changes[i].path}` };
  }
  return { results: results as AnalysisResult[] };
}
