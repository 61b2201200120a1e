// The floor of our architecture: read every file under a directory, detect its language and parse
// it with web-tree-sitter, nothing else (no lowering, no detectors). Run as its own process by the
// scan benchmark; prints the number of files parsed.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { detectLanguage, getParser, setGrammarDir, usesTreeSitter } from '../src/core/languages';
import { decodeText } from '../src/core/text';
import { listFiles } from '../src/core/workspace';

async function main(dir: string): Promise<void> {
  setGrammarDir(path.resolve(__dirname, '../../dist/grammars'));
  let parsed = 0;
  for (const rel of listFiles(dir)) {
    const bytes = readFileSync(path.join(dir, rel));
    const decoded = decodeText(bytes);
    if (!decoded.ok) continue;
    const language = detectLanguage(rel, decoded.text.slice(0, 200));
    if (!language || !usesTreeSitter(language)) continue;
    const tree = (await getParser(language)).parse(decoded.text);
    tree?.delete();
    parsed++;
  }
  process.stdout.write(`${parsed}\n`);
}

main(process.argv[2] ?? '.').catch((err: unknown) => {
  process.stderr.write(`parse-only: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
