// The version the build stamps in (package.json), shown by --version and in SARIF.
declare const FOUREYES_VERSION: string | undefined;

export const VERSION: string = typeof FOUREYES_VERSION === 'string' ? FOUREYES_VERSION : '0.0.0-dev';

declare const FOUREYES_DOCS_BASE: string | undefined;

/** Where rule pages live online (docs/rules/<id>.md is appended), from package.json's repository. */
export const DOCS_BASE: string =
  typeof FOUREYES_DOCS_BASE === 'string' ? FOUREYES_DOCS_BASE : 'https://example.invalid/foureyes/blob/main/docs/rules';
