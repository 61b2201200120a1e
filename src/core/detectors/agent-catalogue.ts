// The catalogue of AI-assistant settings that decide what an agent may do without asking: which
// files hold them, what each value allows, and the documentation each entry was taken from.
// Data only; agent-permissions.ts interprets it.
import type { Severity } from '../findings';
import { commandRisk, parseCommandSpec, parseTerminalKey } from './command-risk';

export type AgentTool = 'vscode' | 'claude' | 'codex' | 'gemini' | 'cursor';

export const TOOL_NAMES: Record<AgentTool, string> = {
  vscode: 'VS Code / Copilot',
  claude: 'Claude Code',
  codex: 'Codex',
  gemini: 'Gemini CLI',
  cursor: 'Cursor CLI',
};

/** A settings file, by path suffix (`*.ext` for an extension); `prefix` is where the settings sit inside it. */
export interface SettingsFile {
  tool: AgentTool;
  suffix: string;
  prefix?: string;
}

export const SETTINGS_FILES: readonly SettingsFile[] = [
  { tool: 'vscode', suffix: '.vscode/settings.json' },
  { tool: 'vscode', suffix: '*.code-workspace', prefix: 'settings' },
  { tool: 'claude', suffix: '.claude/settings.json' },
  { tool: 'claude', suffix: '.claude/settings.local.json' },
  { tool: 'codex', suffix: '.codex/config.toml' },
  { tool: 'gemini', suffix: '.gemini/settings.json' },
  { tool: 'cursor', suffix: '.cursor/cli.json' },
];

/** MCP server maps: file suffix and the key holding `{ name: serverConfig }`. */
export interface McpFile {
  tool: AgentTool;
  suffix: string;
  key: string;
}

export const MCP_FILES: readonly McpFile[] = [
  // https://code.visualstudio.com/docs/copilot/customization/mcp-servers (`servers` in .vscode/mcp.json)
  { tool: 'vscode', suffix: '.vscode/mcp.json', key: 'servers' },
  // Older VS Code releases read servers from settings: `"mcp": { "servers": {...} }`.
  { tool: 'vscode', suffix: '.vscode/settings.json', key: 'mcp.servers' },
  // https://code.claude.com/docs/en/mcp (project scope: .mcp.json, `mcpServers`)
  { tool: 'claude', suffix: '.mcp.json', key: 'mcpServers' },
  // https://docs.cursor.com/context/model-context-protocol (.cursor/mcp.json, `mcpServers`)
  { tool: 'cursor', suffix: '.cursor/mcp.json', key: 'mcpServers' },
  // https://geminicli.com/docs/reference/configuration (`mcpServers` in settings.json)
  { tool: 'gemini', suffix: '.gemini/settings.json', key: 'mcpServers' },
  // https://developers.openai.com/codex/config-reference (`[mcp_servers.<name>]`)
  { tool: 'codex', suffix: '.codex/config.toml', key: 'mcp_servers' },
];

/** What one newly allowed value lets the agent do. */
export interface Grant {
  ruleId: string;
  severity: Severity;
  /** Completes "the agent may now ...". */
  effect: string;
}

/** A setting whose values are ordered from safe to permissive. */
export interface LevelSetting {
  kind: 'level';
  tool: AgentTool;
  key: string;
  ruleId: string;
  /** Value (lower-cased text; booleans as `true`/`false`) -> rank; 0 is the safe baseline. */
  levels: Record<string, number>;
  /** The value the tool uses when the key is absent. */
  defaultValue: string;
  /** Per value: severity and what it allows. Values without an entry are not findings. */
  grants: Record<string, { severity: Severity; effect: string }>;
  source: string;
}

/** A list or map of allowed patterns; each new pattern is classified on its own. */
export interface AllowListSetting {
  kind: 'allow-list';
  tool: AgentTool;
  key: string;
  /** `array`: a list of patterns; `map`: `{ pattern: true | false | {...} }`, true-ish entries allow. */
  shape: 'array' | 'map';
  classify(pattern: string): Grant | undefined;
  source: string;
}

/** A numeric limit whose increase gives the agent more rope. */
export interface LimitSetting {
  kind: 'limit';
  tool: AgentTool;
  key: string;
  ruleId: string;
  defaultValue: number;
  severity: Severity;
  /** Completes "the agent may now ..." given the new value. */
  effect(value: number): string;
  source: string;
}

/**
 * A list of guards: deny rules, tools held back from auto-approval. Removing a guard (or, in a
 * map, turning its `false` into something else) widens what the agent may do.
 */
export interface GuardListSetting {
  kind: 'guard-list';
  tool: AgentTool;
  key: string;
  /** `array`: guard patterns; `map`: `{ name: false }` entries are guards. */
  shape: 'array' | 'map';
  ruleId: string;
  severity: Severity;
  /** Completes "the agent ..." for the removed guards. */
  effect: string;
  source: string;
}

export type AgentSetting = LevelSetting | AllowListSetting | LimitSetting | GuardListSetting;

const BOOL = { false: 0, true: 1 };

const RULE_MODE = 'agent/approval-mode';
const RULE_SHELL = 'agent/shell-auto-approve';
const RULE_TOOL = 'agent/tool-auto-approve';
const RULE_OUTSIDE = 'agent/outside-project-access';
const RULE_SANDBOX = 'agent/sandbox-widened';
const RULE_LIMIT = 'agent/request-limit-raised';
const RULE_MCP_TRUST = 'agent/mcp-server-trusted';

/** Paths that leave the project: absolute, home-relative, parent-relative. */
export function isOutsideProject(pattern: string, absolutePrefix: RegExp = /^(\/|[A-Za-z]:[\\/]|\\\\)/): boolean {
  const p = pattern.trim();
  return absolutePrefix.test(p) || /^(~|\$HOME|\$\{HOME\}|%USERPROFILE%)([\\/]|$)/.test(p) || /(^|[\\/])\.\.([\\/]|$)/.test(p);
}

const ANY_PATH = /^(\*\*?|\*\*\/\*|\.\/?\*\*(\/\*)?|\.)$/;

/**
 * Claude Code permission rules: `Tool` or `Tool(specifier)`. Paths: `//abs`, `~/home`,
 * `/relative-to-settings-file`, `./` or bare relative to the working directory.
 * https://code.claude.com/docs/en/permissions
 */
function classifyClaudeRule(rule: string): Grant | undefined {
  const m = /^\s*([A-Za-z_][\w-]*)\s*(?:\((.*)\))?\s*$/s.exec(rule);
  if (!m) return undefined;
  const [, tool, spec] = m;
  const claudeOutside = (p: string) => isOutsideProject(p, /^(\/\/|[A-Za-z]:[\\/])/);
  switch (tool) {
    case 'Bash': {
      const risk = commandRisk(parseCommandSpec(spec, false));
      return { ruleId: RULE_SHELL, ...risk };
    }
    case 'Edit':
    case 'Write':
    case 'MultiEdit':
    case 'NotebookEdit':
      if (spec !== undefined && claudeOutside(spec)) return { ruleId: RULE_OUTSIDE, severity: 'high', effect: `edit files matching \`${spec}\` outside the project without approval` };
      if (spec === undefined || ANY_PATH.test(spec.trim())) return { ruleId: RULE_TOOL, severity: 'medium', effect: 'edit any file it can reach without approval' };
      return undefined;
    case 'Read':
      if (spec !== undefined && claudeOutside(spec)) return { ruleId: RULE_OUTSIDE, severity: 'medium', effect: `read files matching \`${spec}\` outside the project (credentials, keys) without approval` };
      return undefined;
    case 'WebFetch':
      if (spec === undefined || /^domain:\s*\*?$/.test(spec.trim()) || spec.trim() === '*') return { ruleId: RULE_TOOL, severity: 'medium', effect: 'fetch any URL without approval, which can send project data anywhere' };
      return undefined;
    default:
      if (/^mcp__/.test(tool)) {
        const server = tool.split('__')[1];
        const all = tool.split('__').length < 3 || tool.endsWith('*');
        return { ruleId: RULE_TOOL, severity: 'low', effect: all ? `call every tool of MCP server \`${server}\` without approval` : `call MCP tool \`${tool}\` without approval` };
      }
      return undefined;
  }
}

/** Gemini CLI `tools.allowed`: tool names, `run_shell_command(prefix)`. */
function classifyGeminiTool(entry: string): Grant | undefined {
  const m = /^\s*([A-Za-z_]\w*)\s*(?:\((.*)\))?\s*$/s.exec(entry);
  if (!m) return undefined;
  const [, tool, spec] = m;
  if (tool === 'run_shell_command' || tool === 'ShellTool') return { ruleId: RULE_SHELL, ...commandRisk(parseCommandSpec(spec, true)) };
  if (['write_file', 'replace', 'WriteFileTool', 'EditTool'].includes(tool)) return { ruleId: RULE_TOOL, severity: 'medium', effect: `use \`${tool}\` on any file without approval` };
  if (['web_fetch', 'WebFetchTool'].includes(tool)) return { ruleId: RULE_TOOL, severity: 'medium', effect: 'fetch any URL without approval, which can send project data anywhere' };
  return undefined;
}

/** Cursor CLI `permissions.allow`: `Shell(cmd)`, `Read(glob)`, `Write(glob)`, `Mcp(server, tool)`. */
function classifyCursorRule(entry: string): Grant | undefined {
  const m = /^\s*([A-Za-z]+)\s*\((.*)\)\s*$/s.exec(entry);
  if (!m) return undefined;
  const [, tool, spec] = m;
  switch (tool) {
    case 'Shell':
      return { ruleId: RULE_SHELL, ...commandRisk(parseCommandSpec(spec, true)) };
    case 'Write':
      if (isOutsideProject(spec)) return { ruleId: RULE_OUTSIDE, severity: 'high', effect: `write files matching \`${spec}\` outside the project without approval` };
      if (ANY_PATH.test(spec.trim())) return { ruleId: RULE_TOOL, severity: 'medium', effect: 'write any file without approval' };
      return undefined;
    case 'Read':
      if (isOutsideProject(spec)) return { ruleId: RULE_OUTSIDE, severity: 'medium', effect: `read files matching \`${spec}\` outside the project without approval` };
      return undefined;
    case 'Mcp': {
      const [server, tool2] = spec.split(',').map((s) => s.trim());
      return { ruleId: RULE_TOOL, severity: 'low', effect: !tool2 || tool2 === '*' ? `call every tool of MCP server \`${server}\` without approval` : `call MCP tool \`${server}/${tool2}\` without approval` };
    }
    default:
      return undefined;
  }
}

/** VS Code `chat.tools.edits.autoApprove`: glob -> whether edits to matching files skip approval. */
function classifyEditGlob(glob: string): Grant | undefined {
  if (isOutsideProject(glob)) return { ruleId: RULE_OUTSIDE, severity: 'high', effect: `edit files matching \`${glob}\` outside the workspace without approval` };
  if (ANY_PATH.test(glob.trim())) return { ruleId: RULE_TOOL, severity: 'medium', effect: 'edit any workspace file, including settings and CI configuration, without approval' };
  if (/(^|\/)(\.vscode|\.github|\.claude|\.gemini|\.cursor|\.codex|\.foureyes)(\/|$)|\.mcp\.json/.test(glob)) {
    return { ruleId: RULE_TOOL, severity: 'medium', effect: `edit \`${glob}\` (agent, editor or CI configuration) without approval` };
  }
  return undefined;
}

/** VS Code `chat.tools.urls.autoApprove`: URL pattern -> whether requests skip approval. */
function classifyUrlPattern(pattern: string): Grant | undefined {
  if (/^(\*|https?:\/\/\*(\/.*)?|\*:\/\/\*.*)$/.test(pattern.trim())) return { ruleId: RULE_TOOL, severity: 'medium', effect: 'fetch any URL without approval, which can send project data anywhere' };
  return undefined;
}

export const AGENT_SETTINGS: readonly AgentSetting[] = [
  // ---- VS Code / Copilot: https://code.visualstudio.com/docs/copilot/reference/copilot-settings
  // and https://code.visualstudio.com/docs/agents/approvals
  {
    kind: 'level', tool: 'vscode', key: 'chat.tools.global.autoApprove', ruleId: RULE_MODE, levels: BOOL, defaultValue: 'false',
    grants: { true: { severity: 'critical', effect: 'run every tool, terminal command and file edit without approval' } },
    source: 'https://code.visualstudio.com/docs/copilot/reference/copilot-settings (chat.tools.global.autoApprove)',
  },
  {
    // The name this setting had before VS Code 1.104; still read by older releases.
    kind: 'level', tool: 'vscode', key: 'chat.tools.autoApprove', ruleId: RULE_MODE, levels: BOOL, defaultValue: 'false',
    grants: { true: { severity: 'critical', effect: 'run every tool, terminal command and file edit without approval' } },
    source: 'https://code.visualstudio.com/updates/v1_99 (chat.tools.autoApprove, later renamed chat.tools.global.autoApprove)',
  },
  {
    kind: 'level', tool: 'vscode', key: 'chat.permissions.default', ruleId: RULE_MODE,
    levels: { default: 0, autoapprove: 2, autopilot: 3 }, defaultValue: 'default',
    grants: {
      autoapprove: { severity: 'critical', effect: 'run every tool call in new chat sessions without approval (Bypass Approvals)' },
      autopilot: { severity: 'critical', effect: 'run every tool call and answer its own questions until the task is done (Autopilot)' },
    },
    source: 'https://code.visualstudio.com/docs/agents/approvals (chat.permissions.default: default | autoApprove | autopilot)',
  },
  {
    kind: 'level', tool: 'vscode', key: 'github.copilot.chat.claudeAgent.allowDangerouslySkipPermissions', ruleId: RULE_MODE, levels: BOOL, defaultValue: 'false',
    grants: { true: { severity: 'critical', effect: 'run Claude agent sessions with every permission check bypassed' } },
    source: 'https://code.visualstudio.com/docs/copilot/reference/copilot-settings (github.copilot.chat.claudeAgent.allowDangerouslySkipPermissions)',
  },
  {
    kind: 'level', tool: 'vscode', key: 'chat.tools.terminal.ignoreDefaultAutoApproveRules', ruleId: RULE_SHELL, levels: BOOL, defaultValue: 'false',
    grants: { true: { severity: 'medium', effect: 'auto-approve commands the default rules hold back (rm, curl, wget, eval, chmod, kill ...) wherever another rule matches them' } },
    source: 'https://code.visualstudio.com/docs/copilot/reference/copilot-settings (chat.tools.terminal.ignoreDefaultAutoApproveRules)',
  },
  {
    kind: 'allow-list', tool: 'vscode', key: 'chat.tools.terminal.autoApprove', shape: 'map',
    classify: (k) => ({ ruleId: RULE_SHELL, ...commandRisk(parseTerminalKey(k)) }),
    source: 'https://code.visualstudio.com/docs/copilot/reference/copilot-settings (chat.tools.terminal.autoApprove: command or /regex/ -> true|false)',
  },
  {
    kind: 'guard-list', tool: 'vscode', key: 'chat.tools.eligibleForAutoApproval', shape: 'map', ruleId: RULE_TOOL, severity: 'medium',
    effect: 'no longer always asks before them: they may now be auto-approved',
    source: 'https://code.visualstudio.com/docs/copilot/reference/copilot-settings (chat.tools.eligibleForAutoApproval: tool -> false means always ask)',
  },
  {
    kind: 'allow-list', tool: 'vscode', key: 'chat.tools.edits.autoApprove', shape: 'map', classify: classifyEditGlob,
    source: 'https://code.visualstudio.com/docs/copilot/reference/copilot-settings (chat.tools.edits.autoApprove: glob -> true|false)',
  },
  {
    kind: 'allow-list', tool: 'vscode', key: 'chat.tools.urls.autoApprove', shape: 'map', classify: classifyUrlPattern,
    source: 'https://code.visualstudio.com/docs/agents/approvals (chat.tools.urls.autoApprove)',
  },
  {
    kind: 'level', tool: 'vscode', key: 'chat.agent.sandbox.enabled', ruleId: RULE_SANDBOX,
    levels: { on: 0, true: 0, allownetwork: 1, off: 2, false: 2 }, defaultValue: 'off',
    grants: {
      allownetwork: { severity: 'medium', effect: 'reach any network host from sandboxed terminal commands' },
      off: { severity: 'high', effect: 'run terminal commands outside the sandbox, with full file-system and network access' },
      false: { severity: 'high', effect: 'run terminal commands outside the sandbox, with full file-system and network access' },
    },
    source: 'https://code.visualstudio.com/docs/copilot/reference/copilot-settings (chat.agent.sandbox.enabled: off | on | allowNetwork)',
  },
  {
    kind: 'limit', tool: 'vscode', key: 'chat.agent.maxRequests', ruleId: RULE_LIMIT, defaultValue: 25, severity: 'low',
    effect: (v) => `make up to ${v} requests in one agent run before it stops to ask to continue`,
    source: 'https://code.visualstudio.com/docs/copilot/reference/copilot-settings (chat.agent.maxRequests, default 25)',
  },

  // ---- Claude Code: https://code.claude.com/docs/en/settings, /permissions, /permission-modes
  {
    kind: 'level', tool: 'claude', key: 'permissions.defaultMode', ruleId: RULE_MODE,
    levels: { default: 0, plan: 0, dontask: 0, acceptedits: 1, auto: 2, bypasspermissions: 3 }, defaultValue: 'default',
    grants: {
      acceptedits: { severity: 'medium', effect: 'edit files and run common file-system commands (mkdir, mv, cp) without approval' },
      auto: { severity: 'high', effect: 'run any tool without approval, checked only by an automatic classifier' },
      bypasspermissions: { severity: 'critical', effect: 'run any tool, including any shell command, without approval (bypassPermissions)' },
    },
    source: 'https://code.claude.com/docs/en/permission-modes (default | acceptEdits | plan | auto | dontAsk | bypassPermissions)',
  },
  {
    kind: 'allow-list', tool: 'claude', key: 'permissions.allow', shape: 'array', classify: classifyClaudeRule,
    source: 'https://code.claude.com/docs/en/permissions (permissions.allow rules: Bash(...), Edit(...), Read(...), WebFetch, mcp__server)',
  },
  {
    kind: 'guard-list', tool: 'claude', key: 'permissions.deny', shape: 'array', ruleId: RULE_TOOL, severity: 'medium',
    effect: 'is no longer blocked from them (they now fall to the ask and allow rules)',
    source: 'https://docs.anthropic.com/en/docs/claude-code/settings (permissions.deny: rules that refuse a tool use)',
  },
  {
    kind: 'guard-list', tool: 'claude', key: 'permissions.ask', shape: 'array', ruleId: RULE_TOOL, severity: 'low',
    effect: 'no longer has to ask before them when an allow rule matches',
    source: 'https://docs.anthropic.com/en/docs/claude-code/settings (permissions.ask: rules that always ask for confirmation)',
  },
  {
    kind: 'allow-list', tool: 'claude', key: 'permissions.additionalDirectories', shape: 'array',
    classify: (dir) => ({ ruleId: RULE_OUTSIDE, severity: isOutsideProject(dir) ? 'high' : 'medium', effect: `read and edit files in \`${dir}\`, outside the project` }),
    source: 'https://code.claude.com/docs/en/settings (permissions.additionalDirectories)',
  },
  {
    kind: 'level', tool: 'claude', key: 'enableAllProjectMcpServers', ruleId: RULE_MCP_TRUST, levels: BOOL, defaultValue: 'false',
    grants: { true: { severity: 'high', effect: 'start every MCP server in the project .mcp.json, including ones added later, without approval' } },
    source: 'https://code.claude.com/docs/en/settings (enableAllProjectMcpServers)',
  },
  {
    kind: 'allow-list', tool: 'claude', key: 'enabledMcpjsonServers', shape: 'array',
    classify: (name) => ({ ruleId: RULE_MCP_TRUST, severity: 'medium', effect: `start MCP server \`${name}\` from .mcp.json without approval` }),
    source: 'https://code.claude.com/docs/en/settings (enabledMcpjsonServers)',
  },

  // ---- Codex: https://developers.openai.com/codex/config-reference and /agent-approvals-security
  {
    kind: 'level', tool: 'codex', key: 'approval_policy', ruleId: RULE_MODE,
    levels: { untrusted: 0, 'on-request': 1, 'on-failure': 1, never: 3 }, defaultValue: 'on-request',
    grants: { never: { severity: 'high', effect: 'run commands without ever asking for approval (approval_policy = "never")' } },
    source: 'https://developers.openai.com/codex/config-reference (approval_policy: untrusted | on-request | on-failure | never)',
  },
  {
    kind: 'level', tool: 'codex', key: 'profiles.*.approval_policy', ruleId: RULE_MODE,
    levels: { untrusted: 0, 'on-request': 1, 'on-failure': 1, never: 3 }, defaultValue: 'on-request',
    grants: { never: { severity: 'high', effect: 'run commands without ever asking for approval when this profile is used' } },
    source: 'https://developers.openai.com/codex/config-reference (profiles.<name>.approval_policy)',
  },
  {
    kind: 'level', tool: 'codex', key: 'sandbox_mode', ruleId: RULE_SANDBOX,
    levels: { 'read-only': 0, 'workspace-write': 1, 'danger-full-access': 3 }, defaultValue: 'read-only',
    grants: { 'danger-full-access': { severity: 'critical', effect: 'run commands with no sandbox: any file on the machine and any network host (danger-full-access)' } },
    source: 'https://developers.openai.com/codex/config-reference (sandbox_mode: read-only | workspace-write | danger-full-access)',
  },
  {
    kind: 'level', tool: 'codex', key: 'profiles.*.sandbox_mode', ruleId: RULE_SANDBOX,
    levels: { 'read-only': 0, 'workspace-write': 1, 'danger-full-access': 3 }, defaultValue: 'read-only',
    grants: { 'danger-full-access': { severity: 'critical', effect: 'run commands with no sandbox when this profile is used (danger-full-access)' } },
    source: 'https://developers.openai.com/codex/config-reference (profiles.<name>.sandbox_mode)',
  },
  {
    kind: 'level', tool: 'codex', key: 'sandbox_workspace_write.network_access', ruleId: RULE_SANDBOX, levels: BOOL, defaultValue: 'false',
    grants: { true: { severity: 'medium', effect: 'reach any network host from sandboxed commands' } },
    source: 'https://developers.openai.com/codex/config-reference (sandbox_workspace_write.network_access)',
  },
  {
    kind: 'allow-list', tool: 'codex', key: 'sandbox_workspace_write.writable_roots', shape: 'array',
    classify: (dir) => ({ ruleId: RULE_OUTSIDE, severity: 'high', effect: `write to \`${dir}\` from sandboxed commands without approval` }),
    source: 'https://developers.openai.com/codex/config-reference (sandbox_workspace_write.writable_roots)',
  },

  // ---- Gemini CLI: https://geminicli.com/docs/reference/configuration
  {
    kind: 'level', tool: 'gemini', key: 'general.defaultApprovalMode', ruleId: RULE_MODE,
    levels: { default: 0, plan: 0, auto_edit: 1, yolo: 3 }, defaultValue: 'default',
    grants: {
      auto_edit: { severity: 'medium', effect: 'edit files without approval (auto_edit)' },
      yolo: { severity: 'critical', effect: 'run every tool without approval (yolo)' },
    },
    source: 'https://geminicli.com/docs/reference/configuration (general.defaultApprovalMode: default | auto_edit | plan)',
  },
  {
    kind: 'allow-list', tool: 'gemini', key: 'tools.allowed', shape: 'array', classify: classifyGeminiTool,
    source: 'https://geminicli.com/docs/reference/configuration (tools.allowed: tool names that bypass the confirmation dialog)',
  },
  {
    // Settings before the v0.3 reorganisation kept this at the top level.
    kind: 'allow-list', tool: 'gemini', key: 'allowedTools', shape: 'array', classify: classifyGeminiTool,
    source: 'https://github.com/google-gemini/gemini-cli/blob/main/docs/get-started/configuration-v1.md (allowedTools)',
  },
  {
    kind: 'level', tool: 'gemini', key: 'tools.autoAccept', ruleId: RULE_MODE, levels: BOOL, defaultValue: 'false',
    grants: { true: { severity: 'medium', effect: 'run tool calls it considers safe without approval' } },
    source: 'https://github.com/google-gemini/gemini-cli/blob/main/docs/get-started/configuration.md (tools.autoAccept)',
  },
  {
    kind: 'level', tool: 'gemini', key: 'mcpServers.*.trust', ruleId: RULE_MCP_TRUST, levels: BOOL, defaultValue: 'false',
    grants: { true: { severity: 'high', effect: 'call every tool of this MCP server without approval (trust: true)' } },
    source: 'https://geminicli.com/docs/reference/configuration (mcpServers.<name>.trust bypasses all tool confirmations)',
  },

  // ---- Cursor CLI: https://cursor.com/docs/cli/reference/permissions (.cursor/cli.json)
  {
    kind: 'allow-list', tool: 'cursor', key: 'permissions.allow', shape: 'array', classify: classifyCursorRule,
    source: 'https://cursor.com/docs/cli/reference/permissions (permissions.allow: Shell(cmd), Read(glob), Write(glob), Mcp(server, tool))',
  },
];
