// Making approval and break-glass records, and writing them into the repository (atomically, then
// staged so the commit carries them).
import { existsSync, lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { ReviewInputError } from './inputs';
import * as path from 'node:path';
import { git } from '../git';
import { compareText, type Finding } from '../findings';
import type { RulesConfig, Senior } from '../rules';
import { checkRecord, sameEmail } from './policy';
import {
  approvalFileName,
  BREAK_GLASS_VERSION,
  formatRecordFile,
  RECORD_VERSION,
  recordId,
  signedContent,
  type ApprovalPayload,
  type ApprovalRecord,
  type BreakGlassRecord,
  type FindingRef,
  type ReviewRecord,
} from './record';
import { isObjectId } from './roots';
import { sshSign, SigningError, type SigningKey } from './sign';

export const DEFAULT_EXPIRY_DAYS = 30;
const DAY_MS = 86_400_000;

export function findingRef(f: Finding): FindingRef {
  return { fingerprint: f.fingerprint, ruleId: f.ruleId, path: f.path, summary: f.message.slice(0, 2000) };
}

/** The senior whose key this is, per the given rules; refused (before anything is written) when none. */
export function seniorForKey(policy: RulesConfig, key: SigningKey): Senior {
  for (const s of policy.seniors ?? []) {
    try {
      const line = String(s.publicKey ?? '').trim().replace(/^key::/, '').split(/\s+/)[1];
      if (line && Buffer.from(line, 'base64').equals(key.publicKey.blob)) return s;
    } catch {
      // An unreadable senior key cannot match; the policy reports it.
    }
  }
  throw new SigningError(`the signing key ${key.publicKey.fingerprint} (${key.source}) belongs to no senior in the rules file at the base revision; nothing was written`);
}

export interface ApprovalDraft {
  senior: Senior;
  /** The repository the change is in: root commits of its base revision, [] before the first commit. */
  roots: string[];
  author: string;
  note: string;
  findings: FindingRef[];
  now: Date;
  expiresAfterDays?: number;
}

export function signApproval(draft: ApprovalDraft, key: SigningKey, env: NodeJS.ProcessEnv, policy: RulesConfig): ApprovalRecord {
  if (!draft.note.trim()) throw new SigningError('an approval needs a --note saying why the change is acceptable');
  if (!draft.findings.length) throw new SigningError('nothing to approve: no findings need review');
  if (draft.author && sameEmail(draft.author, draft.senior.id)) {
    throw new SigningError(`self-approval refused: ${draft.senior.id} is the author of the change; another senior must review it (four eyes)`);
  }
  const days = draft.expiresAfterDays ?? policy.review?.expiresAfterDays ?? DEFAULT_EXPIRY_DAYS;
  const createdAt = new Date(Math.floor(draft.now.getTime() / 1000) * 1000);
  if (!draft.roots.every(isObjectId)) throw new SigningError('the repository binding holds something that is not a commit id; nothing was signed');
  const base: Omit<ApprovalPayload, 'id'> = {
    version: RECORD_VERSION,
    kind: 'approval',
    roots: [...new Set(draft.roots)].sort(),
    reviewer: draft.senior.id,
    reviewerKey: key.publicKey.fingerprint,
    author: draft.author,
    createdAt: createdAt.toISOString(),
    expiresAt: new Date(createdAt.getTime() + days * DAY_MS).toISOString(),
    note: draft.note.trim(),
    findings: [...draft.findings].sort((a, b) => compareText(a.fingerprint, b.fingerprint)),
  };
  const payload: ApprovalPayload = { ...base, id: recordId(base as unknown as Record<string, unknown>) };
  const signature = sshSign(key, signedContent(payload), env);
  const record: ApprovalRecord = { ...payload, signature };
  const check = checkRecord({ path: approvalFileName(record.id), mode: '100644', text: formatRecordFile(record) }, policy, draft.now);
  if (check.status.state !== 'valid') throw new SigningError(`the new approval does not verify: ${check.status.problems.join('; ')}`);
  return record;
}

export function makeBreakGlass(author: string, reason: string, findings: FindingRef[], now: Date): BreakGlassRecord {
  if (!reason.trim()) throw new Error('break-glass needs --reason "..." saying why review is skipped');
  const base: Omit<BreakGlassRecord, 'id'> = {
    version: BREAK_GLASS_VERSION,
    kind: 'break-glass',
    author,
    createdAt: new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString(),
    reason: reason.trim(),
    findings: [...findings].sort((a, b) => compareText(a.fingerprint, b.fingerprint)),
  };
  return { ...base, id: recordId(base as unknown as Record<string, unknown>) } as BreakGlassRecord;
}

/**
 * `.foureyes` or `.foureyes/approvals` as a symbolic link would take the write outside the
 * repository (git then refuses to stage it, but the file is already written): refused before.
 */
function refuseLinkedDirs(root: string, rel: string): void {
  const parts = rel.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const sub = parts.slice(0, i).join('/');
    let linked = false;
    try {
      linked = lstatSync(path.join(root, sub)).isSymbolicLink();
    } catch {
      return;
    }
    if (linked) throw new ReviewInputError(`cannot write the approval ${rel}: ${sub} is a symbolic link, and approvals are written only inside the repository; nothing was written`);
  }
}

/** Writes the record under .foureyes/approvals/ (temp file + rename) and stages it. */
export function writeRecord(root: string, record: ReviewRecord, env?: NodeJS.ProcessEnv): string {
  const rel = approvalFileName(record.id);
  const abs = path.join(root, ...rel.split('/'));
  const tmp = `${abs}.${process.pid}.tmp`;
  refuseLinkedDirs(root, rel);
  try {
    mkdirSync(path.dirname(abs), { recursive: true });
    if (!existsSync(abs)) {
      writeFileSync(tmp, formatRecordFile(record), { mode: 0o644 });
      renameSync(tmp, abs);
    }
  } catch (err) {
    // A full disk or a blocked path: no half-written record is left behind to be committed.
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The temp file could not have been created either (its directory is not one).
    }
    const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    throw new ReviewInputError(`cannot write the approval ${rel}: ${code}; nothing was written`);
  }
  git(['add', '--', rel], { cwd: root, env });
  return rel;
}
