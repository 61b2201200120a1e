// The commented starter rules file `foureyes init` writes: every section, explained, valid as is.
import { DEFAULT_IGNORE, DEFAULT_MAX_FILE_BYTES } from './rules';

export function starterRulesText(): string {
  const ignores = DEFAULT_IGNORE.map((g) => `  //   ${g}`).join('\n');
  return `// Four Eyes rules: who reviews, what counts as production, which keys are protected.
// JSON with comments. Reference: docs/rules-file.md. Editors validate this file against
// schema/rules.schema.json (the Four Eyes extension registers it).
//
// A change to this file that weakens it (removes a senior's requirement, adds a senior, adds an
// ignore, lowers a severity) is itself a finding, approved by a senior named in the file as it
// was before the change.
{
  // Which findings need a signed senior review before they can be committed.
  "review": {
    // "all" findings, "ai-only" (only text that came from an AI assistant), or "none" (report only).
    "require": "all",
    // Findings below this severity (critical > high > medium > low) are reported, not blocked.
    "minSeverity": "high",
    // How many distinct seniors approve a finding of each severity; unlisted severities need 1.
    "approvals": { "critical": 2 },
    // Approvals go stale after this many days (0: never).
    "expiresAfterDays": 30
  },

  // The engineers whose approvals count, with the SSH public key they sign with
  // (git config user.signingKey; the line from ~/.ssh/id_ed25519.pub). A reviewer may not
  // approve their own change.
  "seniors": [
    // { "id": "alice@example.com", "name": "Alice", "publicKey": "ssh-ed25519 AAAA... alice@example.com" }
  ],

  // What counts as production. Endpoint findings that match are critical.
  "production": {
    "hosts": [],              // "*.prod.example.com", "db.internal.example.com"
    "urls": [],               // "https://api.example.com/"
    "awsAccounts": [],        // "123456789012" (12 digits, quoted)
    "gcpProjects": [],        // "acme-prod", "acme-prod-*"
    "azureSubscriptions": [], // "00000000-0000-0000-0000-000000000000"
    "kubeContexts": [],       // "prod-*"
    // Repository paths holding production configuration. Paths with a prod/production segment
    // already count without being listed.
    "paths": []               // "envs/prod/**"
  },

  // Configuration drift.
  "drift": {
    // Keys whose every change needs review: { "files": "config/prod/**", "keys": ["database.**"] }
    "protect": [],
    // Per-environment copies of one file that must change together:
    // { "files": "config/{env}/app.yaml", "keys": ["features.**"] }
    "environments": [],
    // Keys that must keep a value: { "files": "**/*.yaml", "keys": { "tls.verify": true } }
    "pins": [],
    // Built-in security toggles (TLS verification, auth, encryption): turn entries off by id, or add
    // your own: { "id": "cache-auth", "keys": ["cache.auth"], "unsafe": ["none"] }
    "safety": { "off": [], "add": [] }
  },

  // Per-rule overrides, by rule id or family: "off", a severity, or { "off": bool, "severity": ... }.
  // "endpoint/production-host": "critical", "drift/*": { "severity": "medium" }
  "rules": {},

  // Paths never analysed, in addition to the built-in ignores below.
  "ignore": [],

  // The built-in ignores. Tests, fixtures and docs are where production-looking hosts, wide
  // example policies and fake keys belong; flagging them is noise that teaches people to skip
  // the hook. Vendored and generated code is not reviewed here either. Set this to false to
  // analyse them too.
${ignores}
  "ignoreDefaults": true,

  // Files larger than this are skipped and reported as skipped (never passed silently).
  "limits": { "maxFileBytes": ${DEFAULT_MAX_FILE_BYTES} }
}
`;
}
