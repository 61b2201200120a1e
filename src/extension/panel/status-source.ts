// Where the panel's data comes from: `foureyes status --format json`, run as a child process so
// the extension host never blocks on git, and so the panel shows exactly what the CLI prints.
// One run at a time; a refresh asked for during a run starts one more run after it.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import type { StatusReport } from '../../core/review/report';

export class StatusSource {
  private running: Promise<StatusReport> | undefined;
  private again = false;
  last: StatusReport | undefined;

  constructor(
    private readonly extensionPath: string,
    private readonly cwd: () => string | undefined,
  ) {}

  private runOnce(): Promise<StatusReport> {
    const cwd = this.cwd();
    if (!cwd) return Promise.reject(new Error('Four Eyes: open a folder inside a git repository to see its review status'));
    const cli = path.join(this.extensionPath, 'dist', 'cli.js');
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [cli, 'status', '--format', 'json'],
        { cwd, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 256 * 1024 * 1024, windowsHide: true },
        (err, stdout, stderr) => {
          if (err && !stdout) return reject(new Error(`foureyes status failed in ${cwd}: ${(stderr || err.message).trim().split('\n')[0]}`));
          try {
            const report = JSON.parse(stdout) as StatusReport;
            this.last = report;
            resolve(report);
          } catch (e) {
            reject(new Error(`foureyes status printed no JSON in ${cwd}: ${(e as Error).message}`));
          }
        },
      );
    });
  }

  /** The latest status; coalesces concurrent refreshes. */
  refresh(): Promise<StatusReport> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = this.runOnce().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    this.running = run;
    return run;
  }
}
