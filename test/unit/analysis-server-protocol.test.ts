// The hook only uses a server answer that is exactly an answer to its request; everything else is
// a reason to analyse in process. And the switches that keep the server off.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensurePrivateDir, privateDirOk, serverOffReason, socketPathFrom } from '../../src/core/analysis-server-state';
import { checkParseResponse, checkResponse, frame, FrameReader, type AnalyzeRequest, type ParseRulesRequest } from '../../src/cli/server-protocol';

const request: AnalyzeRequest = {
  type: 'analyze',
  id: 'r1',
  version: '1.0.0',
  runtime: 'rt',
  rules: { config: {}, source: '' },
  changes: [
    { path: 'a.tf', before: null, after: '' },
    { path: 'b.yaml', before: '', after: '' },
  ],
};
const finding = (p: string) => ({ ruleId: 'x/y', category: 'iam', severity: 'high', message: 'm', path: p, range: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 }, fingerprint: 'f' });
const ok = { id: 'r1', ok: true, results: [{ findings: [finding('a.tf')], notes: [], analysed: true }, { findings: [], notes: [{ path: 'b.yaml', level: 'info', message: 'n' }], analysed: true }] };

describe('analysis server protocol', () => {
  it('accepts an answer to this request with one well-formed result per file, in order', () => {
    const r = checkResponse(ok, request);
    assert.ok('results' in r);
    assert.equal(r.results.length, 2);
  });

  it('refuses answers to another request, short, reordered, malformed, failed or mismatched ones', () => {
    const bad: Array<[string, unknown]> = [
      ['another id', { ...ok, id: 'r2' }],
      ['fewer results', { ...ok, results: ok.results.slice(1) }],
      ['results swapped', { ...ok, results: [ok.results[1], ok.results[0]] }],
      ['finding for another path', { ...ok, results: [{ findings: [finding('other.tf')], notes: [], analysed: true }, ok.results[1]] }],
      ['no analysed flag', { ...ok, results: [{ findings: [], notes: [] }, ok.results[1]] }],
      ['finding without range', { ...ok, results: [{ findings: [{ ...finding('a.tf'), range: undefined }], notes: [], analysed: true }, ok.results[1]] }],
      ['an error', { id: 'r1', error: 'boom' }],
      ['not an answer', { id: 'r1', results: ok.results }],
      ['not an object', 'garbage'],
      ['null', null],
    ];
    for (const [what, response] of bad) assert.ok('problem' in checkResponse(response, request), what);
    const mismatch = checkResponse({ id: 'r1', mismatch: true, version: '0.9', runtime: 'x' }, request);
    assert.ok('problem' in mismatch && mismatch.mismatch);
  });

  it('checks rules parses the same way', () => {
    const req: ParseRulesRequest = { type: 'parse-rules', id: 'p', version: '1', runtime: 'rt', rules: [{ text: '{}', which: 'w' }, { text: '{', which: 'w2' }] };
    const good = checkParseResponse({ id: 'p', ok: true, parsed: [{ config: {} }, { error: 'bad' }] }, req);
    assert.ok('parsed' in good);
    assert.ok('problem' in checkParseResponse({ id: 'p', ok: true, parsed: [{ config: {} }] }, req));
    assert.ok('problem' in checkParseResponse({ id: 'p', ok: true, parsed: [{ config: [] }, { error: 'bad' }] }, req));
    assert.ok('problem' in checkParseResponse({ id: 'q', ok: true, parsed: [{ config: {} }, { error: 'bad' }] }, req));
  });

  it('frames messages and reads them back from any chunking; refuses oversized and trailing bytes', () => {
    const bytes = frame({ hello: 'wörld', n: [1, 2] });
    for (const cut of [1, 3, 4, 7, bytes.length - 1]) {
      const reader = new FrameReader();
      assert.equal(reader.push(bytes.subarray(0, cut)), undefined);
      assert.deepEqual(reader.push(bytes.subarray(cut)), { hello: 'wörld', n: [1, 2] });
    }
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(0xffffffff);
    assert.throws(() => new FrameReader().push(huge), /larger than allowed/);
    assert.throws(() => new FrameReader().push(Buffer.concat([bytes, Buffer.from('x')])), /trailing/);
  });

  it('is off on Windows, with FOUREYES_DAEMON=0 and when CI is set', () => {
    assert.equal(serverOffReason({}, 'linux'), undefined);
    assert.match(serverOffReason({ FOUREYES_DAEMON: '0' }, 'linux')!, /FOUREYES_DAEMON=0/);
    assert.match(serverOffReason({ CI: 'true' }, 'linux')!, /CI/);
    assert.match(serverOffReason({}, 'win32')!, /Windows/);
  });

  it('keeps the socket in a private directory and never tries a path too long for a socket', () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'foureyes-sock-'));
    try {
      const common = path.join(base, '.git');
      const dir = path.join(common, 'foureyes', 'server');
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      assert.equal(privateDirOk(dir), false, 'a directory others can open is not trusted');
      ensurePrivateDir(dir);
      assert.equal(privateDirOk(dir), true);
      assert.equal(socketPathFrom(common, base), path.join(dir, 's.sock'));
      const deep = path.join(base, 'x'.repeat(120), '.git');
      assert.equal(socketPathFrom(deep, path.join(base, 'x'.repeat(120))), path.join('.git', 'foureyes', 'server', 's.sock'));
      assert.equal(socketPathFrom(deep, '/'), undefined);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
