// Where the rules file lives in a repository: its own module, so the hook's small bundle can name
// it without pulling in the rules parser, its schema validator and glob matching.
export const RULES_FILE = '.foureyes/rules.jsonc';
