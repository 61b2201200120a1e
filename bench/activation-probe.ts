// Child process of the activation bench: a stand-in `vscode` module, then require + activate;
// prints the milliseconds.
import Module from 'node:module';

function stub(): unknown {
  const fn = function () {
    return proxy;
  };
  const proxy: unknown = new Proxy(fn, {
    get(_t, key) {
      if (key === Symbol.iterator) return function* () {};
      if (key === 'then') return undefined;
      if (key === 'packageJSON') return { version: '0.0.0' };
      if (key === 'isTrusted') return true;
      if (key === 'fsPath' || key === 'path') return '/tmp/foureyes-bench';
      return proxy;
    },
    // esbuild's ESM interop builds the module namespace on the module's prototype.
    getPrototypeOf: () => proxy as object,
    set: () => true,
    defineProperty: () => true,
    apply: () => proxy,
    construct: () => proxy as object,
  });
  return proxy;
}

const vscode = stub();
const load = (Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown })._load;
(Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown })._load = function (req: string, ...rest: unknown[]) {
  return req === 'vscode' ? vscode : load.call(this, req, ...rest);
};
const t0 = performance.now();
const ext = require(process.argv[2]) as { activate(ctx: unknown): unknown };
ext.activate(stub());
process.stdout.write(`${(performance.now() - t0).toFixed(2)}\n`);
