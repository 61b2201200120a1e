// The `foureyes` command: dispatches to a sub-command and turns errors into exit codes.
import * as path from 'node:path';
import { setGrammarDir } from '../core/languages';
import { RulesError } from '../core/rules';
import { COMMANDS } from './commands/table';
import type { ReviewTools } from '../core/review/engine';
import { FULL_TOOLS } from './review-run';
import { EXIT_ERROR, UsageError, type CliIO } from './io';
import { VERSION } from './version';

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: foureyes <command> [options]',
    '',
    'Reviews what AI assistants put into a codebase: flags permission widening, configuration',
    'drift and production endpoints, and blocks commits until a senior has signed a review.',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `foureyes <command> --help` for a command\'s options. Exit codes: 0 clean, 1 findings or',
    'blocked, 2 usage or internal error.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : EXIT_ERROR;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`foureyes: unknown command '${name}' (see foureyes --help)\n`);
    return EXIT_ERROR;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`usage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) io.stderr(`foureyes ${name}: ${err.message}\n`);
    else if (err instanceof RulesError) io.stderr(`foureyes ${name}: rules file error: ${err.message}\n`);
    else {
      io.stderr(`foureyes ${name}: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      if (io.env.FOUREYES_DEBUG && err instanceof Error && err.stack) io.stderr(err.stack + '\n');
    }
    return EXIT_ERROR;
  }
}

/** The full analyser, for the hook's small entry (dist/hook.js) when its cache cannot answer. */
export const fullReviewTools: ReviewTools = FULL_TOOLS;

/** Grammars beside the bundle, unless FOUREYES_GRAMMAR_DIR says otherwise (the hook's runtime copy). */
export function useBundledGrammars(): void {
  if (process.env.FOUREYES_GRAMMAR_DIR) setGrammarDir(process.env.FOUREYES_GRAMMAR_DIR);
  else setGrammarDir(path.join(__dirname, 'grammars'));
}

if (require.main === module) {
  useBundledGrammars();
  const io: CliIO = {
    cwd: process.cwd(),
    env: process.env,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTTY: !!process.stdout.isTTY,
    stdin: process.stdin,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`foureyes: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = EXIT_ERROR;
    },
  );
}
