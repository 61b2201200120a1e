// Mocha root setup: unbundled tests load grammars from the build output.
import * as path from 'node:path';
import { setGrammarDir } from '../../src/core/languages';

setGrammarDir(path.resolve(__dirname, '../../../dist/grammars'));

// Commands the tests run inherit this: no warm analysis server is started behind their back.
process.env.FOUREYES_DAEMON = '0';
