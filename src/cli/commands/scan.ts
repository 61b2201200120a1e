// `foureyes scan [PATH...]`: every risk present in the files (state, not change).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FileChange } from '../../core/analyze';
import { isDirectory, listFiles } from '../../core/workspace';
import { UsageError, type Command } from '../io';
import { loadRules, parseCommandArgs, REPORT_OPTIONS, REPORT_USAGE, reportOptions } from '../options';
import { analyzeAll, displayPath, printReport, rulesBase } from '../report';

export const scanCommand: Command = {
  name: 'scan',
  summary: 'report every risk in the given files or directories (an audit of the current state)',
  usage: `foureyes scan [PATH...]\n\n${REPORT_USAGE}`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, REPORT_OPTIONS);
    const opts = reportOptions(values, io);
    const rules = loadRules(opts, io);
    const base = rulesBase(rules, io.cwd);
    const targets = positionals.length ? positionals : ['.'];
    const files: Array<{ abs: string; rel: string }> = [];
    for (const t of targets) {
      const abs = path.resolve(io.cwd, t);
      if (isDirectory(abs)) {
        for (const f of listFiles(abs)) {
          const fileAbs = path.join(abs, f);
          files.push({ abs: fileAbs, rel: displayPath(fileAbs, base, abs) });
        }
      } else {
        files.push({ abs, rel: displayPath(abs, base, path.dirname(abs)) });
      }
    }
    function* changes(): Generator<FileChange> {
      for (const f of files) {
        let bytes: Uint8Array;
        try {
          bytes = readFileSync(f.abs);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          throw new UsageError(code === 'ENOENT' ? `no such file or directory: ${f.rel}` : `cannot read ${f.rel}: ${code ?? String(err)}`);
        }
        yield { path: f.rel, after: bytes };
      }
    }
    const siblingFiles = new Map(files.map((f) => [f.rel, { after: f.abs, analysed: true }]));
    const result = await analyzeAll(changes(), rules, 'scan', { jobs: opts.jobs, count: files.length, siblingFiles });
    return printReport(result, opts, io);
  },
};
