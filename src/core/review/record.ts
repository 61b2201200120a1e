// Approval and break-glass records: their shape, content-addressed id, strict parsing, tokens.
import { createHash } from 'node:crypto';
import { canonicalJson, fromBase64Url, toBase64Url } from './canonical';

export const APPROVALS_DIR = '.foureyes/approvals';
/** Approvals are version 2 (bound to a repository by `roots`); break-glass records stay version 1. */
export const RECORD_VERSION = 2;
export const BREAK_GLASS_VERSION = 1;
/** Larger record files are refused before they are parsed. */
export const MAX_RECORD_BYTES = 256 * 1024;
export const APPROVAL_TOKEN_PREFIX = 'foureyes-approval:';

/** What an approval says about one finding; bound by fingerprint, the rest is for humans. */
export interface FindingRef {
  fingerprint: string;
  ruleId: string;
  path: string;
  summary: string;
}

export interface ApprovalPayload {
  /** 2; version 1 (no `roots`) is still read, so old files can be listed, but never counts. */
  version: 1 | 2;
  kind: 'approval';
  /**
   * The repository it was made for: the root commit ids reachable from the base revision, sorted
   * ([] before the first commit). Absent only in version 1 records.
   */
  roots?: string[];
  /** Content-addressed: hex sha256 (first 40) of the canonical payload without id. */
  id: string;
  /** The senior's `id` in the rules file. */
  reviewer: string;
  /** `SHA256:...` of the key that signed. */
  reviewerKey: string;
  /** Email of who made the change. */
  author: string;
  createdAt: string;
  expiresAt: string;
  note: string;
  findings: FindingRef[];
}

export interface ApprovalRecord extends ApprovalPayload {
  /** Armored SSHSIG (namespace "foureyes") over the canonical JSON of the payload. */
  signature: string;
}

export interface BreakGlassRecord {
  version: 1;
  kind: 'break-glass';
  id: string;
  author: string;
  createdAt: string;
  reason: string;
  findings: FindingRef[];
}

export type ReviewRecord = ApprovalRecord | BreakGlassRecord;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const HEX64 = /^[0-9a-f]{64}$/;
const ID = /^[0-9a-f]{40}$/;
const OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export function recordId(withoutId: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(withoutId)).digest('hex').slice(0, 40);
}

/** The exact bytes an approval's signature covers. */
export function signedContent(payload: ApprovalPayload): string {
  const { signature: _sig, ...rest } = payload as ApprovalRecord;
  return canonicalJson(rest);
}

export function withId<T extends { id: string }>(record: Omit<T, 'id'>): T {
  const { id: _ignored, ...rest } = record as Record<string, unknown>;
  return { ...(record as object), id: recordId(rest) } as T;
}

export function approvalFileName(id: string): string {
  return `${APPROVALS_DIR}/${id}.json`;
}

export function formatRecordFile(record: ReviewRecord): string {
  return JSON.stringify(JSON.parse(canonicalJson(record)), null, 2) + '\n';
}

function fail(msg: string): never {
  throw new Error(msg);
}

function str(o: Record<string, unknown>, key: string, max = 10_000): string {
  const v = o[key];
  if (typeof v !== 'string') fail(`"${key}" must be a string`);
  if (v.length > max) fail(`"${key}" is longer than ${max} characters`);
  return v;
}

function date(o: Record<string, unknown>, key: string): string {
  const v = str(o, key, 40);
  if (!ISO.test(v) || Number.isNaN(Date.parse(v))) fail(`"${key}" must be an ISO-8601 UTC time`);
  return v;
}

function onlyKeys(o: Record<string, unknown>, allowed: string[], what: string): void {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length) fail(`${what} has unknown field(s): ${extra.join(', ')}`);
}

function findingRefs(o: Record<string, unknown>): FindingRef[] {
  const v = o.findings;
  if (!Array.isArray(v) || v.length === 0) fail('"findings" must be a non-empty array');
  if (v.length > 10_000) fail('"findings" is too long');
  return v.map((f, i) => {
    if (!f || typeof f !== 'object' || Array.isArray(f)) fail(`findings[${i}] must be an object`);
    const r = f as Record<string, unknown>;
    onlyKeys(r, ['fingerprint', 'ruleId', 'path', 'summary'], `findings[${i}]`);
    const fp = str(r, 'fingerprint', 64);
    if (!HEX64.test(fp)) fail(`findings[${i}].fingerprint must be 64 hex digits`);
    return { fingerprint: fp, ruleId: str(r, 'ruleId', 200), path: str(r, 'path', 4096), summary: str(r, 'summary', 2000) };
  });
}

function rootList(o: Record<string, unknown>): string[] {
  const v = o.roots;
  if (!Array.isArray(v) || v.length > 1000) fail('"roots" must be an array of commit ids');
  for (const r of v) if (typeof r !== 'string' || !OBJECT_ID.test(r)) fail('"roots" must hold commit ids (40 or 64 hex digits)');
  const sorted = [...new Set(v as string[])].sort();
  if (sorted.length !== v.length || sorted.some((r, i) => r !== v[i])) fail('"roots" must be sorted and without repeats');
  return sorted;
}

/**
 * Whether `text` is exactly what foureyes writes for `record` (the pretty file, or the compact
 * canonical JSON of a token; CRLF line ends allowed). Anything else (duplicate keys, reordered
 * keys, escapes for plain characters, `1.0` for `1`, extra whitespace) could be read differently
 * by another tool than by this one, so it is refused.
 */
export function isExactRecordText(text: string, record: ReviewRecord): boolean {
  const t = text.replace(/\r\n/g, '\n');
  return t === formatRecordFile(record) || t === canonicalJson(record);
}

/** Parses and structurally validates a record; throws with the reason. Signatures are checked by the policy. */
export function parseRecord(text: string): ReviewRecord {
  if (Buffer.byteLength(text, 'utf8') > MAX_RECORD_BYTES) fail(`larger than ${MAX_RECORD_BYTES / 1024} KB`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    fail(`not valid JSON (${(err as Error).message})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail('a record must be a JSON object');
  const o = value as Record<string, unknown>;
  let record: ReviewRecord;
  if (o.kind === 'approval') {
    if (o.version !== RECORD_VERSION && o.version !== 1) fail(`unsupported approval version ${JSON.stringify(o.version)}`);
    const fields = ['version', 'kind', 'id', 'reviewer', 'reviewerKey', 'author', 'createdAt', 'expiresAt', 'note', 'findings', 'signature'];
    onlyKeys(o, o.version === 1 ? fields : [...fields, 'roots'], 'approval');
    record = {
      version: o.version,
      kind: 'approval',
      ...(o.version === 1 ? {} : { roots: rootList(o) }),
      id: str(o, 'id', 40),
      reviewer: str(o, 'reviewer', 320),
      reviewerKey: str(o, 'reviewerKey', 100),
      author: str(o, 'author', 320),
      createdAt: date(o, 'createdAt'),
      expiresAt: date(o, 'expiresAt'),
      note: str(o, 'note'),
      findings: findingRefs(o),
      signature: str(o, 'signature', 20_000),
    };
  } else if (o.kind === 'break-glass') {
    if (o.version !== BREAK_GLASS_VERSION) fail(`unsupported break-glass record version ${JSON.stringify(o.version)}`);
    onlyKeys(o, ['version', 'kind', 'id', 'author', 'createdAt', 'reason', 'findings'], 'break-glass record');
    record = {
      version: 1,
      kind: 'break-glass',
      id: str(o, 'id', 40),
      author: str(o, 'author', 320),
      createdAt: date(o, 'createdAt'),
      reason: str(o, 'reason'),
      findings: findingRefs(o),
    };
    if (!record.reason.trim()) fail('a break-glass record needs a reason');
  } else {
    fail(`unknown record kind ${JSON.stringify(o.kind)}`);
  }
  if (!ID.test(record.id)) fail('"id" must be 40 hex digits');
  const { id: _id, signature: _sig, ...rest } = record as ApprovalRecord;
  if (recordId(rest) !== record.id) fail('"id" does not match the record content (edited after it was made?)');
  return record;
}

export function encodeApprovalToken(record: ApprovalRecord): string {
  return APPROVAL_TOKEN_PREFIX + toBase64Url(Buffer.from(canonicalJson(record), 'utf8'));
}

export function decodeApprovalToken(token: string): ApprovalRecord {
  const t = token.trim();
  if (!t.startsWith(APPROVAL_TOKEN_PREFIX)) throw new Error(`an approval token starts with "${APPROVAL_TOKEN_PREFIX}"`);
  let text: string;
  try {
    text = fromBase64Url(t.slice(APPROVAL_TOKEN_PREFIX.length).replace(/\s+/g, '')).toString('utf8');
  } catch {
    throw new Error('approval token is not valid base64url');
  }
  const r = parseRecord(text);
  if (r.kind !== 'approval') throw new Error('token does not hold an approval');
  if (!isExactRecordText(text, r)) throw new Error('token is not in the exact form foureyes writes');
  return r;
}
