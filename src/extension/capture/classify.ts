// Tells AI-origin edits from typing, pastes, undo/redo and formatters. Pure functions over the
// facts an editor event carries, so every rule is unit-tested without VS Code.
import type { AiOrigin } from '../../core/findings';
import type { OffsetChange } from './ranges';

/** A content change with the text it replaced (from the tracker's copy of the document). */
export interface ReplacedChange extends OffsetChange {
  replaced: string;
}

export interface ChangeFacts {
  changes: readonly ReplacedChange[];
  reason?: 'undo' | 'redo';
  /** The document is the one in the focused editor. */
  focused: boolean;
  /** The document is not dirty after the change: VS Code reloaded it from disk. */
  reloadedFromDisk: boolean;
  /** A Four Eyes accept command is running on this document. */
  accepting: boolean;
  /** Between onWillSave and onDidSave of this document: save participants (format on save). */
  saving: boolean;
  /** A chat editing session has this file in its working set. */
  chatSession: boolean;
}

export type ChangeKind =
  | 'accept'
  | 'undo'
  | 'redo'
  | 'typing'
  | 'delete'
  | 'format'
  | 'save-participant'
  | 'reload'
  | 'refactor'
  | 'chat-edit'
  /** An edit in the focused editor that is either a paste or a chat edit: compare with the clipboard. */
  | 'paste-or-chat';

/**
 * Pairs each reported change with the text it replaced and moves the copy of the document along.
 * `shadow` undefined (document too large to copy) gives empty replaced texts.
 */
export function withReplaced(shadow: string | undefined, changes: readonly OffsetChange[]): { shadow: string | undefined; changes: ReplacedChange[] } {
  const out: ReplacedChange[] = [];
  for (const c of changes) {
    const replaced = shadow === undefined ? '' : shadow.slice(c.offset, c.offset + c.length);
    out.push({ offset: c.offset, length: c.length, text: c.text, replaced });
    if (shadow !== undefined) shadow = shadow.slice(0, c.offset) + c.text + shadow.slice(c.offset + c.length);
  }
  return { shadow, changes: out };
}

const nonSpace = (s: string): string => s.replace(/\s+/g, '');

/** Only whitespace changed, taken over the whole event (a formatter, or Enter with auto-indent). */
export function isWhitespaceOnly(changes: readonly ReplacedChange[]): boolean {
  return changes.every((c) => nonSpace(c.text) === nonSpace(c.replaced));
}

/**
 * Formatter output: the event keeps every non-whitespace character except the punctuation that
 * formatters add, drop or swap (semicolons, commas, quote styles, parentheses).
 */
export function isFormatting(changes: readonly ReplacedChange[]): boolean {
  if (changes.length < 2 && !changes.some((c) => c.replaced.includes('\n') || c.text.includes('\n'))) return isWhitespaceOnly(changes);
  const strip = (s: string): string => s.replace(/[\s;,'"`()]+/g, '');
  return strip(changes.map((c) => c.replaced).join('')) === strip(changes.map((c) => c.text).join(''));
}

/**
 * What typing produces: one character per cursor, auto-closed pairs, auto-indent after Enter,
 * type-over of a closing character. Multi-cursor typing inserts the same short text everywhere.
 */
export function isTypingLike(changes: readonly ReplacedChange[]): boolean {
  return changes.every((c) => nonSpace(c.text).length <= 2 && (c.text.match(/\n/g)?.length ?? 0) <= 2);
}

/**
 * A rename or replace-all: the same text replaced by the same new text in several places. It is
 * how refactorings and search-and-replace reach documents that are not focused.
 */
export function isUniformReplace(changes: readonly ReplacedChange[]): boolean {
  if (changes.length < 2) return false;
  const [first] = changes;
  return first.replaced.length > 0 && !first.text.includes('\n') && changes.every((c) => c.text === first.text && c.replaced === first.replaced);
}

export function classifyChange(f: ChangeFacts): ChangeKind {
  if (f.reason) return f.reason;
  if (f.accepting) return 'accept';
  if (f.changes.every((c) => c.text.length === 0)) return 'delete';
  if (f.saving) return 'save-participant';
  if (f.reloadedFromDisk) return 'reload';
  if (isWhitespaceOnly(f.changes)) return 'format';
  if (f.changes.length > 1 && isFormatting(f.changes)) return 'format';
  if (isUniformReplace(f.changes)) return 'refactor';
  if (!f.focused || f.chatSession) return 'chat-edit';
  if (isTypingLike(f.changes)) return 'typing';
  if (f.changes.length > 1 || f.changes.some((c) => c.text.includes('\n'))) return 'paste-or-chat';
  // One single-line insertion in the focused editor: IntelliSense, a snippet word, a short paste.
  return 'typing';
}

/**
 * A paste: the inserted text is the clipboard (with either line ending), or, for a multi-cursor
 * paste, each cursor got one line of it. Compared on the text, never on timing.
 */
export function isPasteOf(changes: readonly OffsetChange[], clipboard: string): boolean {
  if (!clipboard) return false;
  const norm = (s: string): string => s.replace(/\r\n?/g, '\n');
  const clip = norm(clipboard);
  const inserted = changes.filter((c) => c.text.length > 0).map((c) => norm(c.text));
  if (!inserted.length) return false;
  // Auto-indent on paste may re-indent the lines; compare without leading whitespace per line.
  const loose = (s: string): string => s.split('\n').map((l) => l.trim()).join('\n').trim();
  if (inserted.every((t) => t === clip || loose(t) === loose(clip))) return true;
  const lines = clip.replace(/\n$/, '').split('\n');
  return lines.length === inserted.length && [...inserted].sort().join('\n') === [...lines].sort().join('\n');
}

/** Large pastes count as AI-origin when the user asks for it (text pasted from a chat window). */
export function pasteOrigin(inserted: readonly OffsetChange[], minLines: number): AiOrigin | undefined {
  if (minLines <= 0) return undefined;
  const lines = inserted.reduce((n, c) => n + (c.text.match(/\n/g)?.length ?? 0) + 1, 0);
  return lines >= minLines ? 'paste' : undefined;
}

/**
 * What an accept command really inserted: the span of the text after it that differs from the
 * text before it (VS Code may rewrite the typed prefix along with the suggestion, which is not
 * new). Half-open offsets into `after`; empty when nothing changed.
 */
export function changedSpan(before: string, after: string): { start: number; end: number } {
  const max = Math.min(before.length, after.length);
  let a = 0;
  while (a < max && before.charCodeAt(a) === after.charCodeAt(a)) a++;
  let b = 0;
  while (b < max - a && before.charCodeAt(before.length - 1 - b) === after.charCodeAt(after.length - 1 - b)) b++;
  return { start: a, end: after.length - b };
}
