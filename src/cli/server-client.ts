// The hook's side of the warm analysis server: connects while git is still reading blobs, sends
// the changes the cache could not answer, and checks the answer. Any problem (no server, a
// refused or stale socket, an error, a short, malformed or mismatched answer, no answer in time)
// is a `ServerUnavailable`, and the hook then analyses in process: the verdict never depends on
// the server being there.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as net from 'node:net';
import { NeedsFullAnalysis, type ReviewTools } from '../core/review/engine';
import type { ResolvedRules, RulesConfig } from '../core/rules';
import { spanAsync } from '../core/trace';
import { privateDirOk, serverDir, socketPathFrom } from '../core/analysis-server-state';
import { checkParseResponse, checkResponse, frame, FrameReader, type ServerRequest } from './server-protocol';

const isProblem = (v: unknown): v is { problem: string; mismatch?: boolean; unsupported?: boolean } => !!v && typeof v === 'object' && 'problem' in v;
export const newId = () => randomBytes(12).toString('hex');

export class ServerUnavailable extends Error {
  constructor(
    message: string,
    /** What the hook should do about the server: nothing (absent), replace it (it answered wrongly), or kill it (it hangs). */
    readonly action: 'none' | 'replace' | 'kill' = 'none',
  ) {
    super(message);
  }
}

/** How long the hook waits for the server: a second and a half, plus 20 ms a file (a warm server needs a few ms a file). */
export function serverTimeoutMs(files: number, env: NodeJS.ProcessEnv): number {
  const n = Number(env.FOUREYES_SERVER_TIMEOUT_MS);
  return env.FOUREYES_SERVER_TIMEOUT_MS && Number.isFinite(n) && n > 0 ? n : 1_500 + 20 * files;
}

export class ServerSession {
  private readonly connected: Promise<void>;
  private failure: ServerUnavailable | undefined;

  private constructor(private readonly socket: net.Socket) {
    this.connected = new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', (err) => {
        this.failure ??= new ServerUnavailable(`cannot reach the analysis server: ${(err as NodeJS.ErrnoException).code ?? err.message}`);
        reject(this.failure);
      });
    });
    this.connected.catch(() => undefined);
    socket.on('error', () => undefined);
  }

  /** Starts connecting to the repository's server; undefined when there is no usable socket path. */
  static open(commonDir: string, cwd: string): ServerSession | undefined {
    const socketPath = socketPathFrom(commonDir, cwd);
    // No socket file: no server (the common case after an idle exit), known without connecting.
    if (!socketPath || !privateDirOk(serverDir(commonDir)) || !existsSync(path.resolve(cwd, socketPath))) return undefined;
    return new ServerSession(net.createConnection(socketPath));
  }

  /** Resolves when connected; rejects (ServerUnavailable) when the connection failed. */
  ready(): Promise<void> {
    return this.connected;
  }

  /**
   * Sends a request whose answer nobody waits for (the head start), then lets the connection go.
   * Resolves once the request is with the kernel (or could not be sent).
   */
  post(request: ServerRequest): Promise<void> {
    this.socket.unref();
    return this.connected.then(
      () => new Promise<void>((resolve) => this.socket.end(frame(request), () => resolve())),
      () => undefined,
    );
  }

  /** Sends one request (this connection carries only one) and returns the checked answer. */
  async request<T>(request: ServerRequest, timeoutMs: number, check: (response: unknown) => T | { problem: string; mismatch?: boolean; unsupported?: boolean }): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ServerUnavailable(`the analysis server did not answer within ${timeoutMs} ms`, 'kill')), timeoutMs);
    });
    const exchange = this.exchange(request);
    // Settles after the timeout too; that late outcome is of no interest.
    exchange.catch(() => undefined);
    try {
      const checked = check(await Promise.race([exchange, timeout]));
      if (isProblem(checked)) throw new ServerUnavailable(`the analysis server's answer is unusable: ${checked.problem}`, checked.mismatch || checked.unsupported ? 'none' : 'replace');
      return checked;
    } finally {
      clearTimeout(timer);
      this.close();
    }
  }

  private async exchange(request: ServerRequest): Promise<unknown> {
    await this.connected;
    return new Promise<unknown>((resolve, reject) => {
      const reader = new FrameReader();
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        reject(new ServerUnavailable(`the analysis server's answer is unusable: ${why}`, 'replace'));
      };
      this.socket.on('data', (chunk: Buffer) => {
        if (settled) return;
        try {
          const msg = reader.push(chunk);
          if (msg !== undefined) {
            settled = true;
            resolve(msg);
          }
        } catch (err) {
          fail((err as Error).message);
        }
      });
      this.socket.once('end', () => fail('the connection closed before a full answer'));
      this.socket.once('close', () => fail('the connection closed before a full answer'));
      this.socket.once('error', (err) => fail(err.message));
      this.socket.write(frame(request));
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * Review tools that hand analysis and rules parsing to the server, one connection per request
 * (`connect` gives the connection opened early first). `resolve` only records what it was given
 * (the server resolves the rules itself, exactly as the in-process analyser would); what else the
 * engine might need in process (the weakening check, a file by itself) is `NeedsFullAnalysis`,
 * and the hook then runs the full analyser.
 */
export function serverReviewTools(connect: () => ServerSession | undefined, meta: { version: string; runtime: string; env: NodeJS.ProcessEnv }): ReviewTools {
  const rulesInputs = new WeakMap<object, { config: RulesConfig; source: string }>();
  const session = () => {
    const s = connect();
    if (!s) throw new ServerUnavailable('no analysis server socket');
    return s;
  };
  const { version, runtime } = meta;
  return {
    parseRulesAsync: (rules) => {
      const request = { type: 'parse-rules' as const, id: newId(), version, runtime, rules };
      return spanAsync('server: parse rules', () => session().request(request, serverTimeoutMs(rules.length, meta.env), (r) => checkParseResponse(r, request))).then((r) => r.parsed);
    },
    resolve: (config, source) => {
      const handle = {};
      rulesInputs.set(handle, { config, source });
      // A handle, never used as rules here: only `analyzeMany` below receives it back.
      return handle as unknown as ResolvedRules;
    },
    analyze: async () => {
      throw new NeedsFullAnalysis();
    },
    analyzeMany: async (changes, rules) => {
      const input = rulesInputs.get(rules as unknown as object);
      if (!input) throw new NeedsFullAnalysis();
      if (!changes.length) return [];
      const wire = changes.map((c) => ({ path: c.path, before: c.before ? c.before.toString('base64') : null, after: c.after.toString('base64') }));
      const request = { type: 'analyze' as const, id: newId(), version, runtime, rules: input, changes: wire };
      return (await spanAsync(`server: analyze ${changes.length} files`, () => session().request(request, serverTimeoutMs(changes.length, meta.env), (r) => checkResponse(r, request)))).results;
    },
    storesBlobAnalyses: true,
    analyzeBlobs: async (changes, rules) => {
      const input = rulesInputs.get(rules as unknown as object);
      if (!input) throw new NeedsFullAnalysis();
      if (!changes.length) return [];
      const request = { type: 'analyze-blobs' as const, id: newId(), version, runtime, rules: input, changes };
      return (await spanAsync(`server: analyze ${changes.length} files`, () => session().request(request, serverTimeoutMs(changes.length, meta.env), (r) => checkResponse(r, request)))).results;
    },
    weakenings: () => {
      throw new NeedsFullAnalysis();
    },
  };
}
