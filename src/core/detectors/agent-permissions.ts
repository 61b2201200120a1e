// AI-agent permission widening (agent/*): settings that let an assistant act without asking, and
// MCP servers it can start. Which settings matter lives in agent-catalogue.ts; this module
// compares before and after for each catalogue entry and for each MCP server by name.
import type { Finding, Severity } from '../findings';
import { makeFinding } from '../findings';
import type { Doc, Node, ObjEntry, SourceRange } from '../model';
import { resolve, scalarText } from '../model';
import {
  AGENT_SETTINGS,
  MCP_FILES,
  SETTINGS_FILES,
  TOOL_NAMES,
  type AgentSetting,
  type AgentTool,
  type AllowListSetting,
  type Grant,
  type GuardListSetting,
  type LevelSetting,
  type LimitSetting,
  type McpFile,
} from './agent-catalogue';
import type { Detector, RuleMeta } from './detector';
import { lookupSetting, lowerText, pathEndsWith, setting } from './setting-lookup';

const RULES: readonly RuleMeta[] = [
  { id: 'agent/approval-mode', category: 'agent', defaultSeverity: 'critical', title: 'Agent approval prompts turned off' },
  { id: 'agent/shell-auto-approve', category: 'agent', defaultSeverity: 'high', title: 'Agent may run more shell commands without approval' },
  { id: 'agent/tool-auto-approve', category: 'agent', defaultSeverity: 'medium', title: 'Agent may use more tools without approval' },
  { id: 'agent/outside-project-access', category: 'agent', defaultSeverity: 'high', title: 'Agent may touch files outside the project' },
  { id: 'agent/sandbox-widened', category: 'agent', defaultSeverity: 'high', title: 'Agent sandbox loosened' },
  { id: 'agent/request-limit-raised', category: 'agent', defaultSeverity: 'low', title: 'Agent request limit raised' },
  { id: 'agent/mcp-server-added', category: 'agent', defaultSeverity: 'high', title: 'New MCP server for the agent' },
  { id: 'agent/mcp-server-command-changed', category: 'agent', defaultSeverity: 'high', title: 'MCP server runs a different command' },
  { id: 'agent/mcp-server-credentials', category: 'agent', defaultSeverity: 'medium', title: 'MCP server receives credentials' },
  { id: 'agent/mcp-server-trusted', category: 'agent', defaultSeverity: 'high', title: 'MCP server tools run without approval' },
];

export const agentPermissionsDetector: Detector = {
  family: 'agent',
  rules: RULES,
  run(before, after) {
    const findings: Finding[] = [];
    for (const file of SETTINGS_FILES) {
      if (!pathEndsWith(after.path, file.suffix)) continue;
      const a = settingsRoot(after, file.prefix);
      const b = before ? settingsRoot(before, file.prefix) : undefined;
      for (const s of AGENT_SETTINGS) if (s.tool === file.tool) findings.push(...checkSetting(s, b, a, after));
    }
    for (const file of MCP_FILES) {
      if (!pathEndsWith(after.path, file.suffix)) continue;
      findings.push(...checkMcp(file, before, after));
    }
    return findings;
  },
};

function settingsRoot(doc: Doc, prefix?: string): Node | undefined {
  const root = doc.roots.find((r) => resolve(r).kind === 'object');
  if (!root) return undefined;
  return prefix ? setting(root, prefix) : resolve(root);
}

function checkSetting(s: AgentSetting, before: Node | undefined, after: Node | undefined, doc: Doc): Finding[] {
  switch (s.kind) {
    case 'level':
      return checkLevel(s, before, after, doc);
    case 'allow-list':
      return checkAllowList(s, before, after, doc);
    case 'limit':
      return checkLimit(s, before, after, doc);
    case 'guard-list':
      return checkGuardList(s, before, after, doc);
  }
}

function guards(s: GuardListSetting, root: Node | undefined): Set<string> {
  const out = new Set<string>();
  for (const hit of lookupSetting(root, s.key)) {
    const n = resolve(hit.node);
    if (s.shape === 'array') {
      for (const item of n.kind === 'array' ? n.items : [n]) {
        const t = scalarText(resolve(item));
        if (t !== undefined && resolve(item).kind === 'string') out.add(t.trim());
      }
    } else if (n.kind === 'object') {
      const last = new Map<string, Node>();
      for (const e of n.entries) last.set(e.key, resolve(e.value));
      for (const [k, v] of last) if (v.kind === 'boolean' && !v.value) out.add(k);
    }
  }
  return out;
}

/** Guards the before state held and the after state dropped, reported once per setting. */
function checkGuardList(s: GuardListSetting, before: Node | undefined, after: Node | undefined, doc: Doc): Finding[] {
  if (!before || !after) return [];
  const was = guards(s, before);
  if (!was.size) return [];
  const now = guards(s, after);
  const removed = [...was].filter((g) => !now.has(g)).sort();
  if (!removed.length) return [];
  const hits = lookupSetting(after, s.key);
  const node = hits.length ? hits[hits.length - 1].node : after;
  const shown = removed.length > 6 ? `${removed.slice(0, 6).map((r) => `\`${r}\``).join(', ')}, ... ${removed.length - 6} more` : removed.map((r) => `\`${r}\``).join(', ');
  return [
    makeFinding({
      ruleId: s.ruleId,
      category: 'agent',
      severity: s.severity,
      message: `${who(s.tool)} \`${s.key}\` dropped ${removed.length} of ${was.size} guard${was.size === 1 ? '' : 's'} (${shown}): the agent ${s.effect}.`,
      doc,
      node,
      content: `${s.tool}|${s.key}|-${removed.join('|-')}`,
      details: `Source: ${s.source}`,
    }),
  ];
}

function who(tool: AgentTool): string {
  return TOOL_NAMES[tool];
}

function checkLevel(s: LevelSetting, before: Node | undefined, after: Node | undefined, doc: Doc): Finding[] {
  const out: Finding[] = [];
  const beforeHits = new Map(lookupSetting(before, s.key).map((h) => [h.key, h.node]));
  for (const hit of lookupSetting(after, s.key)) {
    const value = lowerText(hit.node);
    if (value === undefined || !(value in s.levels)) continue;
    const grant = s.grants[value];
    if (!grant) continue;
    const prevNode = beforeHits.get(hit.key);
    const prevRaw = prevNode ? lowerText(prevNode) : s.defaultValue;
    // An unreadable before value (an expression) cannot be compared; the after value is reported.
    const prevRank = prevRaw !== undefined && prevRaw in s.levels ? s.levels[prevRaw] : -1;
    if (s.levels[value] <= prevRank) continue;
    const shown = scalarText(resolve(hit.node)) ?? value;
    const from = prevNode ? `\`${scalarText(resolve(prevNode)) ?? prevRaw}\`` : `unset (default \`${s.defaultValue}\`)`;
    out.push(
      makeFinding({
        ruleId: s.ruleId,
        category: 'agent',
        severity: grant.severity,
        message: `${who(s.tool)} setting \`${hit.key}\` changed from ${from} to \`${shown}\`: the agent may now ${grant.effect}.`,
        doc,
        node: hit.node,
        content: `${s.tool}|${hit.key}=${value}`,
        details: `Source: ${s.source}`,
      }),
    );
  }
  return out;
}

interface Pattern {
  text: string;
  range: SourceRange;
  node: Node;
}

function allowed(s: AllowListSetting, root: Node | undefined): Pattern[] {
  const out: Pattern[] = [];
  for (const hit of lookupSetting(root, s.key)) {
    const n = resolve(hit.node);
    if (s.shape === 'array') {
      const items = n.kind === 'array' ? n.items : [n];
      for (const item of items) {
        const t = scalarText(resolve(item));
        if (t !== undefined && item.kind === 'string') out.push({ text: t, range: item.range, node: item });
      }
    } else if (n.kind === 'object') {
      const last = new Map<string, ObjEntry>();
      for (const e of n.entries) last.set(e.key, e);
      for (const e of last.values()) if (truthyApproval(resolve(e.value))) out.push({ text: e.key, range: span(e.keyRange, e.value.range), node: e.value });
    }
  }
  return out;
}

/** `true`, or an object such as `{ "approve": true }` / `{ "approveRequest": true }`. */
function truthyApproval(v: Node): boolean {
  if (v.kind === 'boolean') return v.value;
  if (v.kind === 'object') return v.entries.some((e) => /^approve/i.test(e.key) && resolve(e.value).kind === 'boolean' && (resolve(e.value) as { value: boolean }).value);
  return false;
}

function span(a: SourceRange, b: SourceRange): SourceRange {
  return { startOffset: a.startOffset, startLine: a.startLine, startColumn: a.startColumn, endOffset: b.endOffset, endLine: b.endLine, endColumn: b.endColumn };
}

function covered(previous: Grant[], g: Grant): boolean {
  return previous.some((b) => b.ruleId === g.ruleId && (b.effect === g.effect || (b.ruleId === 'agent/shell-auto-approve' && b.effect.startsWith('run any shell command'))));
}

function checkAllowList(s: AllowListSetting, before: Node | undefined, after: Node | undefined, doc: Doc): Finding[] {
  const prevPatterns = allowed(s, before);
  const prevTexts = new Set(prevPatterns.map((p) => p.text.trim()));
  const prevGrants = prevPatterns.map((p) => s.classify(p.text)).filter((g): g is Grant => !!g);
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const p of allowed(s, after)) {
    const text = p.text.trim();
    if (prevTexts.has(text) || seen.has(text)) continue;
    seen.add(text);
    const g = s.classify(text);
    if (!g || covered(prevGrants, g)) continue;
    out.push(
      makeFinding({
        ruleId: g.ruleId,
        category: 'agent',
        severity: g.severity,
        message: `${who(s.tool)} \`${s.key}\` gained \`${text}\`: the agent may now ${g.effect}.`,
        doc,
        node: p.node,
        range: p.range,
        content: `${s.tool}|${s.key}|${text}`,
        details: `Source: ${s.source}`,
      }),
    );
  }
  return out;
}

function checkLimit(s: LimitSetting, before: Node | undefined, after: Node | undefined, doc: Doc): Finding[] {
  const a = setting(after, s.key);
  const an = a && a.kind === 'number' ? a.value : undefined;
  if (an === undefined) return [];
  const b = setting(before, s.key);
  const bn = b && b.kind === 'number' ? b.value : s.defaultValue;
  if (an <= bn) return [];
  return [
    makeFinding({
      ruleId: s.ruleId,
      category: 'agent',
      severity: s.severity,
      message: `${who(s.tool)} \`${s.key}\` raised from ${bn}${b ? '' : ' (default)'} to ${an}: the agent may now ${s.effect(an)}.`,
      doc,
      node: a,
      content: `${s.tool}|${s.key}=${an}`,
      details: `Source: ${s.source}`,
    }),
  ];
}

// ---- MCP servers

interface Server {
  name: string;
  node: Node;
  /** Command line for stdio servers, URL for remote ones. */
  launch?: string;
  kind: 'command' | 'url' | 'unknown';
  command?: string;
  args: string[];
  /** Credential-bearing variables and headers: name -> value text. */
  secrets: Map<string, { value: string; node: Node; via: string }>;
}

const SECRET_NAME = /(TOKEN|SECRET|PASSW(OR)?D|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CLIENT_?KEY|CREDENTIAL|AUTH|SESSION|COOKIE|(^|_)PAT$|CONN(ECTION)?_?STR|DATABASE_URL|_DSN$|^DSN$|SIGNING_?KEY)/i;
const SECRET_VALUE = /^(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|sk-[A-Za-z0-9_-]{16,}|xox[abposr]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{30,}|glpat-[A-Za-z0-9_-]{16,}|eyJ[A-Za-z0-9_-]{10,}\.)/;
const SHELLS = /^(bash|sh|zsh|dash|ksh|fish|cmd(\.exe)?|powershell(\.exe)?|pwsh(\.exe)?)$/i;

function servers(file: McpFile, doc: Doc | undefined): Map<string, Server> {
  const out = new Map<string, Server>();
  if (!doc) return out;
  const root = doc.roots.find((r) => resolve(r).kind === 'object');
  const map = setting(root, file.key);
  if (!map || map.kind !== 'object') return out;
  for (const e of map.entries) {
    const cfg = resolve(e.value);
    if (cfg.kind !== 'object') continue;
    out.set(e.key, describeServer(e.key, cfg));
  }
  return out;
}

function describeServer(name: string, cfg: Node): Server {
  const str = (k: string) => scalarText(setting(cfg, k));
  const argsNode = setting(cfg, 'args');
  const args = argsNode && argsNode.kind === 'array' ? argsNode.items.map((i) => scalarText(resolve(i)) ?? (i.kind === 'opaque' ? i.text : '?')) : [];
  const command = str('command');
  const url = str('url') ?? str('httpUrl') ?? str('serverUrl');
  const secrets = new Map<string, { value: string; node: Node; via: string }>();
  for (const [via, key] of [['env', 'env'], ['headers', 'headers'], ['http_headers', 'http_headers'], ['env_http_headers', 'env_http_headers']] as const) {
    const env = setting(cfg, key);
    if (!env || env.kind !== 'object') continue;
    for (const ent of env.entries) {
      const v = resolve(ent.value);
      const value = scalarText(v) ?? (v.kind === 'opaque' ? v.text : '');
      if (SECRET_NAME.test(ent.key) || SECRET_VALUE.test(value) || /^bearer\s/i.test(value)) secrets.set(ent.key, { value, node: ent.value, via });
    }
  }
  const envFile = str('envFile');
  if (envFile) secrets.set(`envFile:${envFile}`, { value: envFile, node: setting(cfg, 'envFile')!, via: 'envFile' });
  for (const k of ['bearer_token_env_var', 'bearer_token']) {
    const v = str(k);
    if (v) secrets.set(k, { value: v, node: setting(cfg, k)!, via: k });
  }
  if (command) return { name, node: cfg, kind: 'command', command, args, launch: [command, ...args].join(' '), secrets };
  if (url) return { name, node: cfg, kind: 'url', args, launch: url, secrets };
  return { name, node: cfg, kind: 'unknown', args, secrets };
}

/** How much a server's command line can do, for severity and the message. */
function launchRisk(s: Server): { severity: Severity; effect: string } {
  if (s.kind === 'url') return { severity: 'medium', effect: `send requests, with whatever the agent reads, to the remote MCP server at ${s.launch}` };
  const cmd = (s.command ?? '').replace(/^.*[\\/]/, '');
  if (SHELLS.test(cmd) && s.args.some((a) => /^(-c|\/c|\/k|-command|-encodedcommand)$/i.test(a))) {
    return { severity: 'critical', effect: `start \`${s.launch}\`, an arbitrary shell command, and call its tools` };
  }
  if (cmd === 'docker' && s.args.some((a) => /^--privileged$|^--network=host$|^-v$|^--volume/.test(a))) {
    return { severity: 'critical', effect: `start \`${s.launch}\`, a container with host access, and call its tools` };
  }
  return { severity: 'high', effect: `start \`${s.launch}\` on this machine and call its tools` };
}

function checkMcp(file: McpFile, beforeDoc: Doc | undefined, doc: Doc): Finding[] {
  const out: Finding[] = [];
  const prev = servers(file, beforeDoc);
  const tool = who(file.tool);
  for (const s of servers(file, doc).values()) {
    const p = prev.get(s.name);
    if (!p) {
      if (s.kind === 'unknown') continue;
      const r = launchRisk(s);
      out.push(
        makeFinding({
          ruleId: 'agent/mcp-server-added',
          category: 'agent',
          severity: r.severity,
          message: `${tool} MCP server \`${s.name}\` added: the agent may now ${r.effect}.`,
          doc,
          node: s.node,
          content: `${file.suffix}|${s.name}|${s.launch}`,
        }),
      );
    } else if (s.launch !== undefined && s.launch !== p.launch) {
      const r = launchRisk(s);
      out.push(
        makeFinding({
          ruleId: 'agent/mcp-server-command-changed',
          category: 'agent',
          severity: r.severity,
          message: `${tool} MCP server \`${s.name}\` changed from \`${p.launch ?? '(none)'}\` to \`${s.launch}\`: the agent may now ${r.effect}.`,
          doc,
          node: s.node,
          content: `${file.suffix}|${s.name}|${s.launch}`,
        }),
      );
    }
    const newSecrets = [...s.secrets].filter(([k, v]) => p?.secrets.get(k)?.value !== v.value);
    if (newSecrets.length) {
      const literal = newSecrets.some(([, v]) => SECRET_VALUE.test(v.value) || /^bearer\s+[A-Za-z0-9._-]{16,}$/i.test(v.value));
      const names = newSecrets.map(([k]) => k);
      out.push(
        makeFinding({
          ruleId: 'agent/mcp-server-credentials',
          category: 'agent',
          severity: literal ? 'high' : 'medium',
          message: `${tool} MCP server \`${s.name}\` now receives ${names.length} credential${names.length > 1 ? 's' : ''} (${names.join(', ')})${literal ? ', one written literally in the file' : ''}: the agent may now act with ${names.length > 1 ? 'them' : 'it'} through the server's tools.`,
          doc,
          node: newSecrets[0][1].node,
          content: `${file.suffix}|${s.name}|${names.sort().join(',')}`,
        }),
      );
    }
  }
  return out;
}
