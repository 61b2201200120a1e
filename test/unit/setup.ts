// Mocha root setup: unbundled tests load grammars from the build output.
import * as path from 'node:path';
import { setGrammarDir } from '../../src/core/languages';

setGrammarDir(path.resolve(__dirname, '../../../dist/grammars'));
