// Review requests: what a developer sends a senior (Markdown for chat or a PR, plus a token the
// senior's `foureyes review` reads back).
import { canonicalJson, fromBase64Url, toBase64Url } from './canonical';
import type { ReviewedFinding } from './policy';

export const REQUEST_TOKEN_PREFIX = 'foureyes-request:';

export interface RequestFinding {
  fingerprint: string;
  ruleId: string;
  severity: string;
  path: string;
  line: number;
  summary: string;
  before?: string;
  after?: string;
  aiOrigin?: string;
  required: number;
}

export interface ReviewRequest {
  /** 2: carries `roots`. Version 1 requests are refused (the approval could not be bound). */
  version: 2;
  kind: 'request';
  author: string;
  base: string;
  /** The developer's repository: root commits of `base`, [] before the first commit. */
  roots: string[];
  createdAt: string;
  findings: RequestFinding[];
}

export function buildRequest(author: string, base: string, roots: string[], reviewed: ReviewedFinding[], now: Date): ReviewRequest {
  return {
    version: 2,
    kind: 'request',
    author,
    base,
    roots: [...roots].sort(),
    createdAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    findings: reviewed.map((r) => ({
      fingerprint: r.finding.fingerprint,
      ruleId: r.finding.ruleId,
      severity: r.finding.severity,
      path: r.finding.path,
      line: r.finding.range.startLine,
      summary: r.finding.message,
      ...(r.finding.before !== undefined ? { before: r.finding.before } : {}),
      ...(r.finding.after !== undefined ? { after: r.finding.after } : {}),
      ...(r.finding.aiOrigin ? { aiOrigin: r.finding.aiOrigin } : {}),
      required: r.required,
    })),
  };
}

export function encodeRequest(req: ReviewRequest): string {
  return REQUEST_TOKEN_PREFIX + toBase64Url(Buffer.from(canonicalJson(req), 'utf8'));
}

const FP = /^[0-9a-f]{64}$/;
const OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export function decodeRequest(text: string): ReviewRequest {
  const m = new RegExp(`${REQUEST_TOKEN_PREFIX}([A-Za-z0-9_-]+)`).exec(text);
  if (!m) throw new Error(`no review request token (${REQUEST_TOKEN_PREFIX}...) found`);
  let value: ReviewRequest;
  try {
    value = JSON.parse(fromBase64Url(m[1]).toString('utf8')) as ReviewRequest;
  } catch {
    throw new Error('the review request token is damaged (not base64url JSON)');
  }
  if (value && (value as { version: unknown }).version === 1 && value.kind === 'request') {
    throw new Error('the review request was made by an older foureyes and does not say which repository it is for; ask for a new one (`foureyes request --staged`)');
  }
  if (!value || value.version !== 2 || value.kind !== 'request' || !Array.isArray(value.findings) || typeof value.author !== 'string') {
    throw new Error('the review request token does not hold a version 2 request');
  }
  if (!Array.isArray(value.roots) || value.roots.length > 1000 || !value.roots.every((r) => typeof r === 'string' && OBJECT_ID.test(r))) {
    throw new Error('the review request does not say which repository it is for (roots)');
  }
  for (const f of value.findings) {
    if (!f || !FP.test(String(f.fingerprint)) || typeof f.ruleId !== 'string' || typeof f.path !== 'string' || typeof f.summary !== 'string') {
      throw new Error('the review request lists a malformed finding');
    }
  }
  return value;
}

/** How a request names the repository it is for (the approval is bound to it). */
export function repositoryLabel(roots: string[]): string {
  return roots.length ? `root ${roots.map((r) => r.slice(0, 7)).join(', ')}` : 'new (no commits yet)';
}

function fence(text: string): string {
  const ticks = /```/.test(text) ? '~~~~' : '```';
  return `${ticks}\n${text}\n${ticks}`;
}

export function requestMarkdown(req: ReviewRequest): string {
  const lines = [
    `## Four Eyes review request`,
    '',
    `Author: ${req.author || 'unknown'} · repository ${repositoryLabel(req.roots)} · base ${req.base.slice(0, 12)} · ${req.findings.length} finding(s)`,
    '',
  ];
  for (const f of req.findings) {
    lines.push(`### ${f.path}:${f.line} — \`${f.ruleId}\` (${f.severity}${f.aiOrigin ? `, AI: ${f.aiOrigin}` : ''})`, '', f.summary, '');
    if (f.before !== undefined) lines.push('Before:', fence(f.before), '');
    if (f.after !== undefined) lines.push('After:', fence(f.after), '');
    lines.push(`Fingerprint: \`${f.fingerprint}\`${f.required > 1 ? ` · needs ${f.required} seniors` : ''}`, '');
  }
  lines.push('A senior reviews it with `foureyes review <this text or token>` and sends back the approval token:', '', fence(encodeRequest(req)), '');
  return lines.join('\n');
}
