// Passwords embedded in URLs and connection strings: telling placeholders from real secrets, and
// masking real ones wherever they would be shown.

export const MASK = '****';

/** Template and format references: `${DB_PASS}`, `$DB_PASS`, `{{ .Values.pw }}`, `%s`, `%(pw)s`. */
const REFERENCE = /\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_]\w*|\{\{.*?\}\}|#\{[^}]*\}|%\([^)]*\)[sd]|%[sdvq]|%[A-Za-z_]\w*%|\{[A-Za-z_]\w*\}|\{\d*\}|\u0001/;

/**
 * Words that say "put the real password here". `changeme` is among them on purpose: it is the
 * published default of countless images and samples, so it is no secret to leak; a production
 * host carrying it is still reported by the host rules.
 */
const PLACEHOLDER_WORDS = /^(pass|passwd|password|pwd|secret|changeme|change[-_]?me|change[-_]?it|placeholder|redacted|hidden|masked|dummy|example|sample|none|null|undefined|empty|todo|fixme|tbd|replace[-_]?me|xxx+|\.\.\.+|\*+|-+|_+|x+|\?+)$/i;

/** Placeholder phrasing inside a longer word: `your_password`, `my-db-password`, `insert-secret-here`. */
const PLACEHOLDER_PARTS = /password|passwd|placeholder|changeme|redacted|^your[-_]|^your(pass|secret|pw|key|token)|^(insert|enter|replace)[-_]|[-_]here$/i;

/** Whether an embedded password is a placeholder (template reference, masked, or a stand-in word). */
export function isPlaceholderSecret(raw: string): boolean {
  const pw = safeDecode(raw).trim();
  if (!pw) return true;
  if (REFERENCE.test(pw)) return true;
  if (/^<[^<>]*>$/.test(pw) || /^\[[^[\]]*\]$/.test(pw) || /^__[A-Za-z0-9_]*__$/.test(pw)) return true;
  if (PLACEHOLDER_WORDS.test(pw)) return true;
  if (PLACEHOLDER_PARTS.test(pw)) return true;
  if (/^(.)\1*$/.test(pw) && pw.length > 1 && /[*x.#-]/i.test(pw[0])) return true;
  return false;
}

function safeDecode(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces every known secret in `text` with the mask. Long secrets are replaced wherever they
 * occur (also URL-encoded); short ones only where they stand as a password (`:pw@`, `=pw`), so
 * masking `ab` never mangles the rest of a snippet.
 */
export function maskSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  const sorted = [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  for (const s of sorted) {
    const forms = new Set([s, encodeURIComponent(s), safeDecode(s)]);
    for (const f of forms) {
      if (!f) continue;
      if (f.length >= 4) out = out.split(f).join(MASK);
      else {
        const e = escapeRegExp(f);
        out = out.replace(new RegExp(`(:)${e}(@)|(=\\s*)${e}(?=[;,&\\s"'\`]|$)|(/)${e}(@)`, 'g'), (_m, a, b, c, d, g) =>
          a !== undefined ? `${a}${MASK}${b}` : c !== undefined ? `${c}${MASK}` : `${d}${MASK}${g}`,
        );
      }
    }
  }
  return out;
}
