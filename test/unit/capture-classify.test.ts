import assert from 'node:assert/strict';
import { changedSpan, classifyChange, isFormatting, isPasteOf, isTypingLike, pasteOrigin, type ChangeFacts, type ReplacedChange } from '../../src/extension/capture/classify';

const ch = (text: string, replaced = '', offset = 0): ReplacedChange => ({ offset, length: replaced.length, text, replaced });
const facts = (changes: ReplacedChange[], over: Partial<ChangeFacts> = {}): ChangeFacts => ({
  changes,
  focused: true,
  reloadedFromDisk: false,
  accepting: false,
  saving: false,
  chatSession: false,
  ...over,
});

describe('capture: classifying edits', () => {
  it('typing in the focused editor is never AI-origin', () => {
    for (const t of ['a', '{}', '""', '\n    ', '\n\t\n', 'x']) assert.equal(classifyChange(facts([ch(t)])), t.trim() ? 'typing' : 'format', JSON.stringify(t));
    assert.equal(classifyChange(facts([ch('a', '', 1), ch('a', '', 9), ch('a', '', 20)])), 'typing', 'multi-cursor typing');
    assert.equal(classifyChange(facts([ch('console')])), 'typing', 'one-line IntelliSense word');
    assert.equal(isTypingLike([ch('()')]), true);
  });
  it('undo and redo are named by the event reason before anything else', () => {
    assert.equal(classifyChange(facts([ch('a\nb\nc')], { reason: 'undo' })), 'undo');
    assert.equal(classifyChange(facts([ch('a\nb\nc')], { reason: 'redo', focused: false })), 'redo');
  });
  it('edits to a document that is not focused are chat edits, unless formatting, deletion or a rename', () => {
    assert.equal(classifyChange(facts([ch('"Action": "*"', '"Action": "s3:GetObject"')], { focused: false })), 'chat-edit');
    assert.equal(classifyChange(facts([ch('  ', '\t')], { focused: false })), 'format');
    assert.equal(classifyChange(facts([ch('', 'abc')], { focused: false })), 'delete');
    assert.equal(classifyChange(facts([ch('newName', 'oldName', 3), ch('newName', 'oldName', 40)], { focused: false })), 'refactor');
  });
  it('multi-line or multi-range edits in the focused editor need the clipboard to decide', () => {
    assert.equal(classifyChange(facts([ch('line one\nline two')])), 'paste-or-chat');
    assert.equal(classifyChange(facts([ch('alpha', '', 0), ch('beta', '', 10)])), 'paste-or-chat');
  });
  it('a chat session on the file makes even small focused edits chat edits', () => {
    assert.equal(classifyChange(facts([ch('true', 'false')], { chatSession: true })), 'chat-edit');
  });
  it('accept commands, save participants and reloads from disk are their own kinds', () => {
    assert.equal(classifyChange(facts([ch('x\ny')], { accepting: true })), 'accept');
    assert.equal(classifyChange(facts([ch('x;\ny;')], { saving: true })), 'save-participant');
    assert.equal(classifyChange(facts([ch('x\ny')], { reloadedFromDisk: true, focused: false })), 'reload');
  });
  it('formatter edits keep the content up to punctuation and quotes', () => {
    assert.equal(isFormatting([ch('"a"', "'a'", 0), ch(';\n', '\n', 9)]), true);
    assert.equal(classifyChange(facts([ch('"a"', "'a'", 0), ch(';\n', '\n', 9)], { focused: false })), 'format');
    assert.equal(isFormatting([ch('"*"', '"s3:GetObject"', 0), ch('\n', '', 5)]), false);
  });
});

describe('capture: pastes', () => {
  it('matches the clipboard whatever the line endings or auto-indent', () => {
    assert.equal(isPasteOf([ch('a\nb')], 'a\r\nb'), true);
    assert.equal(isPasteOf([ch('a\n    b')], 'a\nb'), true);
    assert.equal(isPasteOf([ch('a\nb')], 'a\nc'), false);
    assert.equal(isPasteOf([ch('a\nb')], ''), false);
  });
  it('matches a multi-cursor paste that spread the clipboard lines over the cursors', () => {
    assert.equal(isPasteOf([ch('one', '', 0), ch('two', '', 10)], 'one\ntwo\n'), true);
    assert.equal(isPasteOf([ch('one', '', 0), ch('three', '', 10)], 'one\ntwo'), false);
  });
  it('counts large pastes as AI-origin only when asked to', () => {
    assert.equal(pasteOrigin([ch('a\nb\nc')], 0), undefined);
    assert.equal(pasteOrigin([ch('a\nb\nc')], 3), 'paste');
    assert.equal(pasteOrigin([ch('a\nb')], 3), undefined);
  });
});

describe('capture: what an accept inserted', () => {
  it('is the changed span, without the typed prefix the completion rewrote', () => {
    const before = '{ "Act }';
    const after = '{ "Action": "*" }';
    const s = changedSpan(before, after);
    assert.equal(after.slice(s.start, s.end), 'ion": "*"');
  });
  it('is empty when nothing changed', () => {
    assert.deepEqual(changedSpan('abc', 'abc'), { start: 3, end: 3 });
  });
});
