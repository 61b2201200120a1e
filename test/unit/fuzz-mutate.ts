// Seeded mutations for the fuzzer: deterministic from (seed, iteration), so any failure it
// reports can be replayed exactly.

/** mulberry32: small, fast, and the same sequence on every platform. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;

export function randomInt(r: Rand, n: number): number {
  return Math.floor(r() * n);
}

export function randomPick<T>(r: Rand, xs: readonly T[]): T {
  return xs[randomInt(r, xs.length)];
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function ascii(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'utf8'));
}

/** How a language nests, so deep-nesting mutations produce what its parser must survive. */
const NESTING: Record<string, Array<[string, string]>> = {
  json: [['[', ']'], ['{"a":', '}']],
  yaml: [['[', ']'], ['{a: ', '}']],
  hcl: [['[', ']'], ['{a = ', '}'], ['(', ')']],
  toml: [['[', ']'], ['{a = ', '}']],
  javascript: [['[', ']'], ['{a:', '}'], ['(', ')'], ['f(', ')']],
  python: [['[', ']'], ['{"a":', '}'], ['(', ')'], ['f(', ')']],
  go: [['(', ')'], ['[]any{', '}'], ['f(', ')']],
  bash: [['(', ')'], ['$(', ')'], ['{ ', ';}']],
  flat: [['${', '}'], ['[', ']']],
};

export function nestingFamily(language: string): string {
  if (language === 'jsonc') return 'json';
  if (language === 'typescript' || language === 'tsx') return 'javascript';
  if (language === 'dotenv' || language === 'properties') return 'flat';
  return NESTING[language] ? language : 'json';
}

export interface Mutation {
  name: string;
  apply(input: Uint8Array, r: Rand, language: string): Uint8Array;
}

/** Sizes are bounded so one iteration stays fast; the long mode finds more by running more. */
export const MUTATIONS: readonly Mutation[] = [
  {
    name: 'flip-bytes',
    apply(input, r) {
      const out = new Uint8Array(input);
      if (!out.length) return out;
      for (let k = 1 + randomInt(r, 8); k > 0; k--) out[randomInt(r, out.length)] ^= 1 << randomInt(r, 8);
      return out;
    },
  },
  {
    name: 'random-bytes',
    apply(input, r) {
      const out = new Uint8Array(input);
      if (!out.length) return out;
      for (let k = 1 + randomInt(r, 8); k > 0; k--) out[randomInt(r, out.length)] = randomInt(r, 256);
      return out;
    },
  },
  {
    name: 'truncate',
    apply(input, r) {
      return input.subarray(0, randomInt(r, input.length + 1));
    },
  },
  {
    name: 'delete-range',
    apply(input, r) {
      const a = randomInt(r, input.length + 1);
      const b = Math.min(input.length, a + randomInt(r, 200));
      return concat(input.subarray(0, a), input.subarray(b));
    },
  },
  {
    name: 'duplicate-range',
    apply(input, r) {
      const a = randomInt(r, input.length + 1);
      const b = Math.min(input.length, a + randomInt(r, 400));
      const at = randomInt(r, input.length + 1);
      const times = 1 + randomInt(r, 20);
      const copies = Array.from({ length: times }, () => input.subarray(a, b));
      return concat(input.subarray(0, at), ...copies, input.subarray(at));
    },
  },
  {
    name: 'swap-lines',
    apply(input, r) {
      const lines = Buffer.from(input).toString('latin1').split('\n');
      for (let k = 1 + randomInt(r, 4); k > 0 && lines.length > 1; k--) {
        const i = randomInt(r, lines.length);
        const j = randomInt(r, lines.length);
        [lines[i], lines[j]] = [lines[j], lines[i]];
      }
      return new Uint8Array(Buffer.from(lines.join('\n'), 'latin1'));
    },
  },
  {
    name: 'deep-nesting',
    apply(input, r, language) {
      const [open, close] = randomPick(r, NESTING[nestingFamily(language)]);
      const depth = 1000 + randomInt(r, 20000);
      const closed = r() < 0.6;
      const nest = ascii(open.repeat(depth) + (closed ? '1' + close.repeat(depth) : ''));
      const at = randomInt(r, input.length + 1);
      return concat(input.subarray(0, at), nest, input.subarray(at));
    },
  },
  {
    name: 'long-line',
    apply(input, r) {
      const at = randomInt(r, input.length + 1);
      const unit = randomPick(r, ['a', ' ', 'x = 1; ', '"*", ', '\\', '\t', 'é']);
      return concat(input.subarray(0, at), ascii(unit.repeat(10000 + randomInt(r, 100000))), input.subarray(at));
    },
  },
  {
    name: 'long-string',
    apply(input, r) {
      const at = randomInt(r, input.length + 1);
      const q = randomPick(r, ['"', "'", '`', '"""', '<<EOF\n']);
      const body = randomPick(r, ['*', 'arn:aws:iam::*', 'https://prod.example.com/', '\\"', '${x}']).repeat(2000 + randomInt(r, 20000));
      return concat(input.subarray(0, at), ascii(q + body + (r() < 0.5 ? q : '')), input.subarray(at));
    },
  },
  {
    name: 'invalid-utf8',
    apply(input, r) {
      const bad = [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf]];
      const out: Uint8Array[] = [];
      let last = 0;
      for (let k = 1 + randomInt(r, 6); k > 0; k--) {
        const at = randomInt(r, input.length + 1);
        if (at < last) continue;
        out.push(input.subarray(last, at), new Uint8Array(randomPick(r, bad)));
        last = at;
      }
      out.push(input.subarray(last));
      return concat(...out);
    },
  },
  {
    name: 'nul-bytes',
    apply(input, r) {
      const at = randomInt(r, input.length + 1);
      return concat(input.subarray(0, at), new Uint8Array(1 + randomInt(r, 4)), input.subarray(at));
    },
  },
  {
    name: 'utf16',
    apply(input, r) {
      const text = Buffer.from(input).toString('utf8');
      const le = Buffer.from(text, 'utf16le');
      switch (randomInt(r, 4)) {
        case 0:
          return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), le]));
        case 1:
          return new Uint8Array(le);
        case 2:
          return new Uint8Array(Buffer.concat([Buffer.from([0xfe, 0xff]), le.swap16()]));
        default:
          // An odd length: the last code unit is cut in half.
          return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), le.subarray(0, Math.max(0, le.length - 1))]));
      }
    },
  },
  {
    name: 'line-endings',
    apply(input, r) {
      const text = Buffer.from(input).toString('latin1');
      const eol = randomPick(r, ['\r\n', '\r', '\u2028', '\n\n\n']);
      return new Uint8Array(Buffer.from(text.replace(/\n/g, eol), 'latin1'));
    },
  },
  {
    name: 'splice-other',
    apply(input, r) {
      // Syntax from other languages dropped in: the shapes the lowerers' special cases key on.
      const snippets = [
        '{"Effect":"Allow","Action":"*","Resource":"*"}',
        '"""\n{"Statement": [\n',
        '<<-EOT\n{\n  "a": ${var.x}\nEOT\n',
        '`${a}${b}`',
        "f'{x}{y}'",
        '!Sub "${AWS::Region}"\n',
        '&anchor\n<<: *anchor\n',
        '[[a.b]]\n"x.y" = 1\n',
        'export X="$(cat <<EOF\n{}\nEOF\n)"\n',
        'new iam.PolicyStatement({ actions: ["*"], resources: ["*"] })',
        'json.dumps({"Action": "s3:*"})',
        'jsonencode({ Statement = [] })',
        '\\',
        '\u{1F600}',
        '\uFEFF',
      ];
      const at = randomInt(r, input.length + 1);
      return concat(input.subarray(0, at), ascii(randomPick(r, snippets)), input.subarray(at));
    },
  },
];

export interface MutatedCase {
  bytes: Uint8Array;
  applied: string[];
}

/** One fuzz case: 1 to 3 mutations of the seed input, fully determined by `r`. */
export function mutate(input: Uint8Array, r: Rand, language: string): MutatedCase {
  let bytes = input;
  const applied: string[] = [];
  for (let k = 1 + randomInt(r, 3); k > 0; k--) {
    const m = randomPick(r, MUTATIONS);
    bytes = m.apply(bytes, r, language);
    applied.push(m.name);
  }
  return { bytes, applied };
}

export function caseSeed(seed: number, iteration: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(iteration + 1, 0xc2b2ae35)) >>> 0;
}
