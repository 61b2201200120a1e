// The version the build stamps in (package.json), shown by --version and in SARIF.
declare const FOUREYES_VERSION: string | undefined;

export const VERSION: string = typeof FOUREYES_VERSION === 'string' ? FOUREYES_VERSION : '0.0.0-dev';
