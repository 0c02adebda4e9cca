// Language-server benchmark: for pyright and typescript-language-server, cold start
// to first settled diagnostics, and the latency of a process reward for a one-file
// edit with a warm server in a generated repository of 100 source files (p50 over 20
// edits). Baselines in the same run: the server's own answer time on drydock's path
// (reopen / tsserver pull to the edited file's diagnostics, no exec, no quiet period),
// and the server driven the ordinary way (didChange to its first push).
//   npm run bench:lsp
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { DiagnosticsSession, LspClient, type ServerSpec } from '../src/lsp/index.js';
import { imageRef, openSandbox } from '../src/sandbox/index.js';
import { reportFigures } from './report.js';

const FILES = 100;
const EDITS = 20;
const runId = `bench-lsp-${randomBytes(4).toString('hex')}`;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}
const round = (x: number): number => Math.round(x * 10) / 10;

interface Lang {
  key: 'pyright' | 'tsls';
  image: string;
  file: (i: number) => string;
  source: (i: number) => string;
  /** Edit number k of the edited module: alternately adds and removes a type error. */
  edit: (base: string, k: number) => string;
  extra?: Record<string, string>;
}

const pad = (i: number): string => String(i).padStart(3, '0');

const LANGS: Lang[] = [
  {
    key: 'pyright',
    image: imageRef('python'),
    file: (i) => `pkg/mod_${pad(i)}.py`,
    source: (i) =>
      `${i > 0 ? `from pkg.mod_${pad(i - 1)} import value_${pad(i - 1)}\n` : ''}\n\n` +
      `def value_${pad(i)}(x: int) -> int:\n    return x + ${i > 0 ? `value_${pad(i - 1)}(x)` : '1'}\n\n\n` +
      `class Box${pad(i)}:\n    def __init__(self, n: int) -> None:\n        self.n = n\n\n` +
      `    def double(self) -> int:\n        return self.n * 2\n`,
    edit: (base, k) =>
      `${base}\n\ndef extra_${k}() -> int:\n    return ${k % 2 === 0 ? `"not an int ${k}"` : String(k)}\n`,
    extra: { 'pkg/__init__.py': '' },
  },
  {
    key: 'tsls',
    image: imageRef('node'),
    file: (i) => `src/mod_${pad(i)}.ts`,
    source: (i) =>
      `${i > 0 ? `import { value${pad(i - 1)} } from './mod_${pad(i - 1)}.js';\n` : ''}\n` +
      `export function value${pad(i)}(x: number): number {\n  return x + ${i > 0 ? `value${pad(i - 1)}(x)` : '1'};\n}\n\n` +
      `export class Box${pad(i)} {\n  constructor(readonly n: number) {}\n  double(): number {\n    return this.n * 2;\n  }\n}\n`,
    edit: (base, k) =>
      `${base}\nexport function extra${k}(): number {\n  return ${k % 2 === 0 ? `'not a number ${k}'` : String(k)};\n}\n`,
    extra: {
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          types: [],
        },
        include: ['src'],
      }),
    },
  },
];

function generate(lang: Lang): string {
  const dir = mkdtempSync(join(tmpdir(), `drydock-bench-lsp-${lang.key}-`));
  for (let i = 0; i < FILES; i++) {
    const p = join(dir, lang.file(i));
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, lang.source(i));
  }
  for (const [f, text] of Object.entries(lang.extra ?? {})) writeFileSync(join(dir, f), text);
  return dir;
}

async function bench(lang: Lang): Promise<Record<string, number | string | boolean>> {
  const repo = generate(lang);
  const sb = await openSandbox({ image: lang.image, repo, runId });
  const session = new DiagnosticsSession(sb);
  try {
    const target = lang.file(50);
    // Cold: server start, initialize, first settled diagnostics of one file.
    let t = performance.now();
    const first = await session.diagnostics([target]);
    const coldMs = performance.now() - t;
    const base = await sb.readFile(`/testbed/${target}`);
    const rewards: number[] = [];
    let settled = first.settled;
    let errorsSeen = 0;
    for (let k = 0; k < EDITS; k++) {
      t = performance.now();
      const r = await session.reward({ files: [{ path: target, content: lang.edit(base, k) }] });
      rewards.push(performance.now() - t);
      settled &&= r.reward.settled;
      errorsSeen += r.reward.dAfter;
    }
    // Baseline: the server alone, didChange to the edited file's first publish.
    const client = session.clientFor(target) as LspClient;
    const raw: number[] = [];
    for (let k = 0; k < EDITS; k++) {
      await client.waitForDiagnostics([target]);
      t = performance.now();
      await client.change(target, lang.edit(base, 100 + k));
      await client.waitForDiagnostics([target], { quietMs: 0 });
      raw.push(performance.now() - t);
    }
    // Baseline 2: the same server driven the ordinary way (didChange, wait for its
    // push), as an editor would: what pyright's typing back-off and
    // typescript-language-server's diagnostics delay cost.
    const plainSpec: ServerSpec = { ...client.spec, replaceByReopen: false };
    delete plainSpec.pull;
    const plain = new LspClient(sb, plainSpec);
    const plainMs: number[] = [];
    try {
      await plain.open(target, base);
      await plain.waitForDiagnostics([target]);
      for (let k = 0; k < EDITS; k++) {
        t = performance.now();
        await plain.change(target, lang.edit(base, 200 + k));
        await plain.waitForDiagnostics([target], { quietMs: 0 });
        plainMs.push(performance.now() - t);
        await plain.waitForDiagnostics([target]);
      }
    } finally {
      await plain.close();
    }
    return {
      server: `${client.identity.name} ${client.identity.version}`,
      coldMs: round(coldMs),
      rewardP50Ms: round(quantile(rewards, 0.5)),
      rewardP90Ms: round(quantile(rewards, 0.9)),
      serverOnlyP50Ms: round(quantile(raw, 0.5)),
      plainDidChangeP50Ms: round(quantile(plainMs, 0.5)),
      settled,
      // Half the edits add an error: a server that stopped answering would show 0.
      errorsSeen,
    };
  } finally {
    await session.close();
    await sb.close();
    rmSync(repo, { recursive: true, force: true });
  }
}

const results: Record<string, number | string | boolean> = { files: FILES, edits: EDITS };
for (const lang of LANGS) {
  const r = await bench(lang);
  for (const [k, v] of Object.entries(r)) results[`${lang.key}.${k}`] = v;
}
const goals: Record<string, string> = { 'pyright.rewardP50Ms': '<= 300', 'tsls.rewardP50Ms': '<= 300' };
reportFigures('lsp', results, goals);
