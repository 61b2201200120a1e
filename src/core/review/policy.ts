// The four-eyes policy: which findings need review, and whether the records present cover them.
import type { Finding, Severity } from '../findings';
import { severityRank } from '../findings';
import type { RulesConfig, Senior } from '../rules';
import { APPROVALS_DIR, isExactRecordText, parseRecord, signedContent, type ApprovalRecord, type FindingRef, type ReviewRecord } from './record';
import { RootsError, shortRoot, type RepoBinding } from './roots';
import { parsePublicKey, verifySshSignature, type SshPublicKey } from './sshsig';

export type ReviewStatusState = 'not-required' | 'required' | 'approved' | 'stale' | 'expired' | 'break-glass';

export interface ReviewedFinding {
  finding: Finding;
  state: ReviewStatusState;
  /** Distinct senior approvals this finding needs. */
  required: number;
  approvedBy: string[];
  /** Approvals that list this fingerprint but do not count, with why. */
  problems: string[];
  /** Record ids that count for this finding (approvals, or the break-glass record). */
  coveredBy: string[];
}

export interface RecordFile {
  /** Repo-relative path. */
  path: string;
  mode: string;
  text: string;
}

export interface RecordStatus {
  path: string;
  record?: ReviewRecord;
  /** valid: counts; expired: was valid; invalid: never counts (problems say why). */
  state: 'valid' | 'expired' | 'invalid' | 'break-glass';
  problems: string[];
}

export interface PolicyInput {
  findings: Finding[];
  records: RecordFile[];
  /** Rules the policy is judged by: the base revision's (or the first rules file). */
  policy: RulesConfig;
  /** Emails of who authored the change to a path (lower-cased). */
  authorsOf(path: string): string[];
  now: Date;
  /**
   * The repository approvals must be bound to. The hook, `verify`, `status` and `import` always
   * pass it; without it (editor hints only) the binding is not checked.
   */
  repository?: RepoBinding;
  /** Check the binding of every approval, not only of those listing a finding that needs review. */
  bindAll?: boolean;
}

export interface PolicyResult {
  findings: ReviewedFinding[];
  records: RecordStatus[];
  /** Unknown state: any of these blocks (fail closed). */
  errors: string[];
}

const DAY_MS = 86_400_000;
/** Clock skew tolerated between the senior's machine and this one. */
const SKEW_MS = 5 * 60_000;

export const DEFAULT_MIN_SEVERITY: Severity = 'high';
export const WEAKENING_RULE_ID = 'review/rules-weakened';

const AI_ORIGINS = new Set(['inline-completion', 'chat-edit', 'agent-write']);

/**
 * The policy to judge findings by when the AI provenance record could not be read: "ai-only" then
 * cannot tell AI text apart, so every finding is judged as under "all" (fail closed).
 */
export function policyWithoutProvenance(policy: RulesConfig, provenanceUnreadable: boolean): RulesConfig {
  return provenanceUnreadable && policy.review?.require === 'ai-only' ? { ...policy, review: { ...policy.review, require: 'all' } } : policy;
}

export function requiredApprovals(f: Finding, policy: RulesConfig): number {
  const review = policy.review ?? {};
  if (f.ruleId === WEAKENING_RULE_ID) return Math.max(1, review.approvals?.[f.severity] ?? 1);
  if (review.require === 'none') return 0;
  if (review.require === 'ai-only' && !(f.aiOrigin && AI_ORIGINS.has(f.aiOrigin))) return 0;
  if (severityRank(f.severity) < severityRank(review.minSeverity ?? DEFAULT_MIN_SEVERITY)) return 0;
  return Math.max(1, Math.floor(review.approvals?.[f.severity] ?? 1));
}

/** One spelling of an identity: NFKC (composed/decomposed and compatibility forms alike), trimmed, lower-case. */
export function identityKey(a: string): string {
  return a.normalize('NFKC').trim().toLowerCase();
}

export function sameEmail(a: string, b: string): boolean {
  return identityKey(a) === identityKey(b);
}

/** Why an approval does not count in this repository, or undefined when its binding holds. */
export function bindingProblem(record: ApprovalRecord, recordPath: string, repo: RepoBinding): string | undefined {
  if (record.version === 1 || !record.roots) return 'approval record version 1 is not bound to a repository and no longer counts; ask a senior to approve again';
  let here: string[];
  try {
    here = repo.roots();
  } catch (err) {
    if (err instanceof RootsError) return `cannot tell which repository this is: ${err.message}`;
    throw err;
  }
  if (!record.roots.length) {
    if (repo.allowsUnborn(recordPath)) return undefined;
    return `approval was made for the first commit of a repository (no history yet) and counts only in that commit; this repository's root is ${shortRoot(here)}`;
  }
  const missing = record.roots.filter((r) => !here.includes(r));
  if (!missing.length) return undefined;
  return `approval was made for another repository (root ${shortRoot(missing)}), this repository's root is ${shortRoot(here)}`;
}

interface SeniorKey {
  senior: Senior;
  key?: SshPublicKey;
  error?: string;
}

function seniorKeys(policy: RulesConfig): SeniorKey[] {
  return (policy.seniors ?? []).map((senior) => {
    try {
      return { senior, key: parsePublicKey(String(senior.publicKey ?? '')) };
    } catch (err) {
      return { senior, error: (err as Error).message };
    }
  });
}

/** Checks one record file on its own (signature, id, name, expiry); findings are matched later. */
export function checkRecord(file: RecordFile, policy: RulesConfig, now: Date, keys = seniorKeys(policy)): { status: RecordStatus; fatal?: string } {
  const status: RecordStatus = { path: file.path, state: 'invalid', problems: [] };
  const name = file.path.startsWith(APPROVALS_DIR + '/') ? file.path.slice(APPROVALS_DIR.length + 1) : undefined;
  if (name === undefined || name.includes('/')) {
    const reason = `${file.path}: approval files must sit directly in ${APPROVALS_DIR}/`;
    status.problems.push(reason);
    return { status, fatal: reason };
  }
  if (file.mode !== '100644' && file.mode !== '100755') {
    const reason = `${file.path}: not a regular file (mode ${file.mode}); symlinks and submodules are refused`;
    status.problems.push(reason);
    return { status, fatal: reason };
  }
  let record: ReviewRecord;
  try {
    record = parseRecord(file.text);
  } catch (err) {
    const reason = `${file.path}: unreadable review record: ${(err as Error).message}`;
    status.problems.push(reason);
    return { status, fatal: reason };
  }
  status.record = record;
  if (name !== `${record.id}.json`) {
    const reason = `${file.path}: file name does not match the record id ${record.id}`;
    status.problems.push(reason);
    return { status, fatal: reason };
  }
  const inexact = () => {
    const reason = `${file.path}: not in the exact form foureyes writes (reformatted, reordered, duplicate keys or escaped characters could be read differently by other tools); restore the file as it was made`;
    status.problems.push(reason);
    return { status, fatal: reason };
  };
  if (record.kind === 'break-glass') {
    if (!isExactRecordText(file.text, record)) return inexact();
    status.state = 'break-glass';
    return { status };
  }
  const created = Date.parse(record.createdAt);
  const expires = Date.parse(record.expiresAt);
  const candidates = keys.filter((k) => sameEmail(k.senior.id, record.reviewer));
  if (!candidates.length) {
    status.problems.push(`reviewer ${record.reviewer} is not a senior in the base rules`);
    return { status };
  }
  const matching = candidates.find((k) => k.key && k.key.fingerprint === record.reviewerKey);
  if (!matching?.key) {
    status.problems.push(`signed by key ${record.reviewerKey}, which is not ${record.reviewer}'s key in the base rules`);
    return { status };
  }
  const bad = verifySshSignature(signedContent(record), record.signature, matching.key);
  if (bad) {
    const reason = `${file.path}: signature by ${record.reviewer} does not verify (${bad}); the record was altered or forged`;
    status.problems.push(reason);
    return { status, fatal: reason };
  }
  if (!isExactRecordText(file.text, record)) return inexact();
  if (created > now.getTime() + SKEW_MS) {
    status.problems.push(`createdAt ${record.createdAt} is in the future`);
    return { status };
  }
  if (expires < created) {
    status.problems.push('expiresAt is before createdAt');
    return { status };
  }
  const days = policy.review?.expiresAfterDays;
  const limit = Math.min(expires, typeof days === 'number' && days > 0 ? created + days * DAY_MS : Infinity);
  if (now.getTime() >= limit) {
    status.state = 'expired';
    status.problems.push(`expired ${new Date(limit).toISOString()}`);
    return { status };
  }
  status.state = 'valid';
  return { status };
}

export function evaluatePolicy(input: PolicyInput): PolicyResult {
  const keys = seniorKeys(input.policy);
  const errors: string[] = [];
  const records: RecordStatus[] = [];
  for (const file of input.records) {
    const { status, fatal } = checkRecord(file, input.policy, input.now, keys);
    records.push(status);
    if (fatal) errors.push(fatal);
  }
  // Finding the repository's roots walks history: only for approvals that could count for a
  // finding needing review (or all of them when asked).
  const needed = new Set(input.findings.filter((f) => requiredApprovals(f, input.policy) > 0).map((f) => f.fingerprint));
  if (input.repository) {
    for (const r of records) {
      const rec = r.record;
      if (rec?.kind !== 'approval' || (r.state !== 'valid' && r.state !== 'expired')) continue;
      if (!input.bindAll && !rec.findings.some((x) => needed.has(x.fingerprint))) continue;
      const problem = bindingProblem(rec, r.path, input.repository);
      if (problem) {
        r.state = 'invalid';
        r.problems.push(problem);
      }
    }
  }
  const listing = (fp: string) => records.filter((r) => r.record?.findings.some((x: FindingRef) => x.fingerprint === fp));
  const findings = input.findings.map((finding): ReviewedFinding => {
    const required = requiredApprovals(finding, input.policy);
    const out: ReviewedFinding = { finding, state: 'not-required', required, approvedBy: [], problems: [], coveredBy: [] };
    if (!required) return out;
    const authors = input.authorsOf(finding.path);
    let expired = false;
    let breakGlass: string | undefined;
    for (const r of listing(finding.fingerprint)) {
      const rec = r.record!;
      if (rec.kind === 'break-glass') {
        breakGlass = rec.id;
        continue;
      }
      if (r.state === 'expired') {
        expired = true;
        out.problems.push(`approval ${rec.id.slice(0, 12)} by ${rec.reviewer} has expired`);
        continue;
      }
      if (r.state !== 'valid') {
        out.problems.push(`approval ${rec.id.slice(0, 12)} by ${rec.reviewer} does not count: ${r.problems.join('; ')}`);
        continue;
      }
      if (authors.some((a) => sameEmail(a, rec.reviewer)) || sameEmail(rec.author, rec.reviewer)) {
        out.problems.push(`approval ${rec.id.slice(0, 12)} by ${rec.reviewer} does not count: the reviewer is the author of the change (four eyes)`);
        continue;
      }
      if (!out.approvedBy.some((a) => sameEmail(a, rec.reviewer))) {
        out.approvedBy.push(rec.reviewer);
        out.coveredBy.push(rec.id);
      }
    }
    if (out.approvedBy.length >= required) out.state = 'approved';
    else if (breakGlass) {
      out.state = 'break-glass';
      out.coveredBy = [breakGlass];
    } else if (expired) out.state = 'expired';
    else if (records.some((r) => r.record?.findings.some((x) => x.ruleId === finding.ruleId && x.path === finding.path && x.fingerprint !== finding.fingerprint))) out.state = 'stale';
    else out.state = 'required';
    if (out.state !== 'approved' && out.approvedBy.length) out.problems.push(`${out.approvedBy.length} of ${required} required distinct senior approvals`);
    return out;
  });
  return { findings, records, errors };
}

/** A finding that blocks: needs review and is neither approved nor let through by break-glass. */
export function isBlocking(r: ReviewedFinding): boolean {
  return r.state === 'required' || r.state === 'stale' || r.state === 'expired';
}
