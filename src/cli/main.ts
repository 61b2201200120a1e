// The `foureyes` command: dispatches to a sub-command and turns errors into exit codes.
import * as path from 'node:path';
import { setGrammarDir } from '../core/languages';
import { ReviewInputError } from '../core/review/inputs';
import { RulesError } from '../core/rules';
import { didYouMean } from '../core/rules-validate';
import { COMMANDS } from './commands/table';
import type { ReviewTools } from '../core/review/engine';
import { FULL_TOOLS } from './review-run';
import { EXIT_ERROR, processIO, UsageError, type CliIO } from './io';
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

/** Options accepted before the command name too (`foureyes --no-color scan`). */
const GLOBAL_FLAGS = new Set(['--no-color', '--color']);

export async function main(argv: string[], io: CliIO): Promise<number> {
  const leading: string[] = [];
  let i = 0;
  while (i < argv.length && GLOBAL_FLAGS.has(argv[i])) leading.push(argv[i++]);
  const [name, ...tail] = argv.slice(i);
  const rest = [...leading, ...tail];
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = COMMANDS.find((c) => c.name === tail[0]);
    io.stdout(topic ? `usage: ${topic.usage}\n` : usage());
    return 0;
  }
  if (!name) {
    io.stderr(`foureyes: no command given; one of ${COMMANDS.map((c) => c.name).join(', ')} (see foureyes --help)\n`);
    return EXIT_ERROR;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const hint = name.startsWith('-') ? '' : didYouMean(name, COMMANDS.map((c) => c.name));
    io.stderr(`foureyes: unknown ${name.startsWith('-') ? 'option' : 'command'} '${name}'${hint ? `; did you mean '${hint}'?` : ''} (see foureyes --help)\n`);
    return EXIT_ERROR;
  }
  const dashdash = rest.indexOf('--');
  const options = dashdash < 0 ? rest : rest.slice(0, dashdash);
  if (options.includes('--help') || options.includes('-h')) {
    io.stdout(`usage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ');
    if (err instanceof UsageError) {
      const hint = /^(Unknown option|Option)/.test(err.message) ? ` (see foureyes ${name} --help)` : '';
      io.stderr(`foureyes ${name}: ${oneLine(err.message)}${hint}\n`);
    }
    else if (err instanceof RulesError) io.stderr(`foureyes ${name}: rules file error: ${oneLine(err.message)}\n`);
    else if (err instanceof ReviewInputError) io.stderr(`foureyes ${name}: ${oneLine(err.message)}\n`);
    else {
      io.stderr(`foureyes ${name}: internal error: ${oneLine(err instanceof Error ? err.message : String(err))}\n`);
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
  const io = processIO();
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
