// Review from the editor, through the core review modules: request a senior review (a request
// packet on the clipboard), approve as a senior (signing with the user's SSH key), import an
// approval token, and add a justified suppression to the rules file (a rules change that itself
// needs a senior's review at commit time).
import { renameSync, writeFileSync, readFileSync, mkdirSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import * as vscode from 'vscode';
import { errorMessage } from '../core/analyze';
import type { Logger } from '../core/logger';
import { findingRef, seniorForKey, signApproval, writeRecord } from '../core/review/approve';
import { bindingProblem, checkRecord, type ReviewedFinding } from '../core/review/policy';
import { headBinding } from '../core/review/roots';
import { approvalFileName, decodeApprovalToken, formatRecordFile } from '../core/review/record';
import { buildRequest, encodeRequest, requestMarkdown } from '../core/review/request';
import { resolveSigningKey } from '../core/review/sign';
import { parseRules, RULES_FILE, type Senior } from '../core/rules';
import type { AnalysisService, DocumentResult } from './analysis-service';
import type { FolderContext, Folders } from './folders';
import { needsReview } from './presentation';

export interface ReviewTarget {
  result: DocumentResult;
  ctx: FolderContext;
  findings: ReviewedFinding[];
}

export class ReviewActions {
  private readonly seniorCache = new Map<string, Senior | null>();

  constructor(
    private readonly service: AnalysisService,
    private readonly folders: Folders,
    private readonly log: Logger,
    private readonly trusted: () => boolean,
  ) {
    folders.onDidChange(() => this.seniorCache.clear());
  }

  /** The findings to act on: the given fingerprints, else those needing review in the document. */
  target(uri: vscode.Uri | undefined, fingerprints?: readonly string[]): ReviewTarget | undefined {
    const u = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!u) return undefined;
    const result = this.service.result(u);
    const ctx = this.folders.forUri(u);
    if (!result || !ctx) return undefined;
    const findings = fingerprints?.length ? result.findings.filter((r) => fingerprints.includes(r.finding.fingerprint)) : result.findings.filter(needsReview);
    return { result, ctx, findings };
  }

  /** The senior the user's signing key belongs to in this folder's policy, or undefined. */
  seniorFor(ctx: FolderContext): Senior | undefined {
    if (!this.trusted() || !ctx.repo) return undefined;
    const cached = this.seniorCache.get(ctx.root);
    if (cached !== undefined) return cached ?? undefined;
    let senior: Senior | null = null;
    try {
      const key = resolveSigningKey(ctx.root, undefined, process.env);
      try {
        senior = seniorForKey(ctx.policy, key);
      } finally {
        key.cleanup();
      }
    } catch (err) {
      this.log.debug(`${ctx.root}: not signing as a senior (${errorMessage(err)})`);
    }
    this.seniorCache.set(ctx.root, senior);
    return senior ?? undefined;
  }

  /** Builds the request, copies it to the clipboard and offers to open it; returns the Markdown. */
  async requestReview(uri?: vscode.Uri, fingerprints?: string[]): Promise<string | undefined> {
    const t = this.target(uri, fingerprints);
    if (!t || !t.findings.length) {
      void vscode.window.showInformationMessage('Four Eyes: nothing here needs a senior review.');
      return undefined;
    }
    const req = buildRequest(t.ctx.author, t.ctx.repo?.head ?? '', t.ctx.repo ? headBinding(t.ctx.root, t.ctx.repo.commonDir).roots() : [], t.findings, new Date());
    const text = requestMarkdown(req);
    await vscode.env.clipboard.writeText(text);
    this.log.info(`review request for ${t.findings.length} finding(s) in ${t.result.path} copied to the clipboard (token ${encodeRequest(req).slice(0, 40)}...)`);
    void vscode.window.showInformationMessage(`Four Eyes: review request for ${t.findings.length} finding(s) copied to the clipboard. Send it to a senior.`, 'Open Request').then(async (choice) => {
      if (choice) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'markdown', content: text }));
    });
    return text;
  }

  /** Signs an approval of the findings with the user's key (a senior's); returns the record path. */
  async approve(uri?: vscode.Uri, fingerprints?: string[], note?: string): Promise<string | undefined> {
    if (!this.trusted()) throw new Error('approving runs git and ssh-keygen, which Four Eyes does not do in an untrusted workspace');
    const t = this.target(uri, fingerprints);
    if (!t || !t.findings.length) {
      void vscode.window.showInformationMessage('Four Eyes: nothing here needs approval.');
      return undefined;
    }
    if (!t.ctx.repo) throw new Error(`${t.ctx.root} is not a git repository; approvals are committed with the change`);
    const why = note ?? (await vscode.window.showInputBox({ title: 'Four Eyes: approve as senior', prompt: `Why are these ${t.findings.length} change(s) acceptable?`, ignoreFocusOut: true }));
    if (!why?.trim()) return undefined;
    const key = resolveSigningKey(t.ctx.root, undefined, process.env);
    try {
      const senior = seniorForKey(t.ctx.policy, key);
      const roots = headBinding(t.ctx.root, t.ctx.repo.commonDir).roots();
      const record = signApproval({ senior, roots, author: t.ctx.author, note: why, findings: t.findings.map((r) => findingRef(r.finding)), now: new Date() }, key, process.env, t.ctx.policy);
      const file = writeRecord(t.ctx.root, record);
      this.log.info(`${senior.id} approved ${t.findings.length} finding(s) in ${t.result.path}; wrote and staged ${file}`);
      this.service.refreshAll();
      return file;
    } finally {
      key.cleanup();
    }
  }

  /** Verifies an approval token against the folder's seniors and writes (and stages) the record. */
  async importApproval(token?: string, uri?: vscode.Uri): Promise<string | undefined> {
    if (!this.trusted()) throw new Error('importing writes and stages a file with git, which Four Eyes does not do in an untrusted workspace');
    const text = token ?? (await vscode.window.showInputBox({ title: 'Four Eyes: import approval', prompt: 'Paste the approval token (foureyes-approval:...) a senior sent you', ignoreFocusOut: true }));
    if (!text?.trim()) return undefined;
    const ctx = this.contextFor(uri);
    if (!ctx?.repo) throw new Error('open a file of the git repository the approval is for, then import it');
    const record = decodeApprovalToken(text.trim());
    const check = checkRecord({ path: approvalFileName(record.id), mode: '100644', text: formatRecordFile(record) }, ctx.policy, new Date());
    if (check.status.state !== 'valid') throw new Error(`approval token refused: ${check.status.problems.join('; ')}`);
    const wrongRepo = bindingProblem(record, approvalFileName(record.id), headBinding(ctx.root, ctx.repo.commonDir));
    if (wrongRepo) throw new Error(`approval token refused: ${wrongRepo}`);
    const file = writeRecord(ctx.root, record);
    this.log.info(`approval by ${record.reviewer} verified; wrote and staged ${file}`);
    this.service.refreshAll();
    return file;
  }

  /**
   * Adds `{ fingerprint, ruleId, path, reason }` to the rules file's `suppress` list, keeping its
   * comments. The hook treats the rules change as weakening: a senior must approve it.
   */
  async suppress(uri?: vscode.Uri, fingerprint?: string, reason?: string): Promise<string | undefined> {
    const t = this.target(uri, fingerprint ? [fingerprint] : undefined);
    const r = t?.findings[0];
    if (!t || !r) {
      void vscode.window.showInformationMessage('Four Eyes: no finding here to suppress.');
      return undefined;
    }
    const why = reason ?? (await vscode.window.showInputBox({ title: 'Four Eyes: suppress finding', prompt: `Why is "${r.finding.message}" acceptable here? (a senior reviews this suppression)`, ignoreFocusOut: true }));
    if (!why?.trim()) return undefined;
    const file = path.join(t.ctx.root, RULES_FILE);
    const original = existsSync(file) ? readFileSync(file, 'utf8') : '{\n}\n';
    parseRules(original, file);
    const entry = { fingerprint: r.finding.fingerprint, ruleId: r.finding.ruleId, path: r.finding.path, reason: why.trim() };
    const edits = modify(original, ['suppress', -1], entry, { isArrayInsertion: true, formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } });
    const next = applyEdits(original, edits);
    parseRules(next, file);
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, next);
    renameSync(tmp, file);
    this.log.info(`suppressed ${r.finding.ruleId} in ${r.finding.path} (${r.finding.fingerprint.slice(0, 12)}) in ${RULES_FILE}: ${why.trim()}; this rules change needs a senior's approval when committed`);
    this.service.refreshAll();
    return file;
  }

  private contextFor(uri?: vscode.Uri): FolderContext | undefined {
    const u = uri ?? vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    return u ? this.folders.forUri(u) : undefined;
  }
}
