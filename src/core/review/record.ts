// Approval and break-glass records: their shape, content-addressed id, strict parsing, tokens.
import { createHash } from 'node:crypto';
import { canonicalJson, fromBase64Url, toBase64Url } from './canonical';

export const APPROVALS_DIR = '.foureyes/approvals';
export const RECORD_VERSION = 1;
export const APPROVAL_TOKEN_PREFIX = 'foureyes-approval:';

/** What an approval says about one finding; bound by fingerprint, the rest is for humans. */
export interface FindingRef {
  fingerprint: string;
  ruleId: string;
  path: string;
  summary: string;
}

export interface ApprovalPayload {
  version: 1;
  kind: 'approval';
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

/** Parses and structurally validates a record; throws with the reason. Signatures are checked by the policy. */
export function parseRecord(text: string): ReviewRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    fail(`not valid JSON (${(err as Error).message})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail('a record must be a JSON object');
  const o = value as Record<string, unknown>;
  if (o.version !== RECORD_VERSION) fail(`unsupported record version ${JSON.stringify(o.version)}`);
  let record: ReviewRecord;
  if (o.kind === 'approval') {
    onlyKeys(o, ['version', 'kind', 'id', 'reviewer', 'reviewerKey', 'author', 'createdAt', 'expiresAt', 'note', 'findings', 'signature'], 'approval');
    record = {
      version: 1,
      kind: 'approval',
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
  return r;
}
