import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticsSession, missingImports, PYRIGHT, TYPESCRIPT, configHash } from '../../src/lsp/index.js';
import {
  HostSandbox,
  imageRef,
  LANGUAGE_SERVER_BIN,
  openSandbox,
  type Sandbox,
} from '../../src/sandbox/index.js';
import { imagesPresent } from '../helpers/containers.js';

const FIXTURES = new URL('../fixtures/lsp/', import.meta.url).pathname;
const RUN_ID = `test-lsp-${process.pid}`;
const patch = (name: string): string => readFileSync(`${FIXTURES}patches/${name}.diff`, 'utf8');

/**
 * The host's install of the same pinned servers (devDependencies pyright, typescript-language-server
 * and typescript, at the versions of LANGUAGE_SERVERS), mapped to where the images have them: the
 * wrappers' directory and the node_modules holding the pinned tsserver (TYPESCRIPT's tsserver.path).
 */
const HOST_MODULES = new URL('../../node_modules/', import.meta.url).pathname.replace(/\/$/, '');
const HOST_PATHS = {
  [LANGUAGE_SERVER_BIN]: `${HOST_MODULES}/.bin`,
  '/opt/drydock/lsp/node_modules': HOST_MODULES,
};
/**
 * Every case runs against both sandboxes: a DockerSandbox in the language's image (skipped without
 * the engine or the image), and a HostSandbox (no engine) running the host's servers as child
 * processes. None of these cases needs a kernel limit, so the assertions are the same for both.
 * The host half always runs: its servers are devDependencies, so a missing one is a failure.
 */
const implementations = (image: string) => [
  {
    name: 'DockerSandbox',
    present: imagesPresent(image),
    open: (repo: string): Promise<Sandbox> => openSandbox({ image, repo, runId: RUN_ID }),
  },
  {
    name: 'HostSandbox',
    present: Promise.resolve(true),
    open: (repo: string): Promise<Sandbox> => HostSandbox.open({ repo, paths: HOST_PATHS }),
  },
];

const cases = [
  {
    lang: 'Python',
    prefix: 'py',
    image: imageRef('python'),
    repo: 'py-repo',
    file: 'app/main.py',
    importer: 'app/report.py',
    undefinedName: 'undefined_total',
    emoji: { path: 'app/emoji.py', text: 'label = "\u{1F600}"; bad: int = "x"\n', bad: '"x"' },
    server: PYRIGHT,
  },
  {
    lang: 'TypeScript',
    prefix: 'ts',
    image: imageRef('node'),
    repo: 'ts-repo',
    file: 'src/main.ts',
    importer: 'src/report.ts',
    undefinedName: 'undefinedTotal',
    emoji: {
      path: 'src/emoji.ts',
      text: "export const label = '\u{1F600}'; export const bad: number = 'x';\n",
      bad: 'bad',
    },
    server: TYPESCRIPT,
  },
] as const;

for (const c of cases) {
  for (const impl of implementations(c.image)) {
    describe(`process reward with ${c.server.name} (${c.lang}, ${impl.name})`, async () => {
      const present = await impl.present;
      if (!present) console.warn(`skipping the ${impl.name} half for ${c.lang}`);
      let sb: Sandbox;
      let session: DiagnosticsSession;
      let original: string;

      beforeAll(async () => {
        if (!present) return;
        sb = await impl.open(`${FIXTURES}${c.repo}`);
        session = new DiagnosticsSession(sb);
        original = await sb.readFile(`/testbed/${c.file}`);
      });
      afterAll(async () => {
        await session?.close();
        await sb?.close();
      });
      const restore = async (): Promise<void> => {
        await session.applyEdit({ files: [{ path: c.file, content: original }] });
      };

      it.runIf(present)('a patch that fixes a type error gets a positive reward', async () => {
        const r = await session.reward({ patch: patch(`${c.prefix}-fix`) });
        expect(r.applied.applied).toBe(true);
        expect(r.reward.dBefore).toBe(1);
        expect(r.reward.dAfter).toBe(0);
        expect(r.delta.totals.fixedErrors).toBe(1);
        expect(r.reward.reward).toBeGreaterThan(0);
        // D's scope: the touched file and the file importing it.
        expect(r.reward.files).toEqual([c.file, c.importer].sort());
        expect(r.server).toMatchObject({ name: c.server.name, configHash: configHash(c.server) });
        await restore();
      });

      it.runIf(present)('a patch that introduces an undefined name gets a negative reward', async () => {
        const r = await session.reward({ patch: patch(`${c.prefix}-undefined`) });
        expect(r.delta.totals.newErrors).toBe(1);
        expect(r.delta.files[c.file]!.added[0]!.message).toContain(c.undefinedName);
        expect(r.reward.reward).toBeLessThan(0);
        await restore();
      });

      it.runIf(present)(
        'a whitespace-only patch gets a zero delta, and the same files give the same diagnostics',
        async () => {
          const first = await session.diagnostics([c.file]);
          const r = await session.reward({ patch: patch(`${c.prefix}-whitespace`) });
          expect(r.applied.applied).toBe(true);
          expect(r.delta.totals).toEqual({ newErrors: 0, fixedErrors: 0, newWarnings: 0, fixedWarnings: 0 });
          expect(r.after[c.file]!.length).toBe(r.before[c.file]!.length);
          expect(r.reward.terms.diagnostics).toBe(0);
          await restore();
          expect((await session.diagnostics([c.file])).diagnostics).toEqual(first.diagnostics);
        },
      );

      it.runIf(present)('reports columns in UTF-16 code units (an astral character counts 2)', async () => {
        const { path, text, bad } = c.emoji;
        await session.applyEdit({ files: [{ path, content: text }] });
        const { diagnostics } = await session.diagnostics([path]);
        const errors = diagnostics[path]!.filter((d) => d.severity === 1);
        expect(errors).toHaveLength(1);
        // JavaScript string indices are UTF-16 code units; a code-point count would be one less.
        expect(errors[0]!.range.start.character).toBe(text.indexOf(bad));
        await session.applyEdit({ files: [{ path, content: null }] });
      });

      it.runIf(present)(
        'after the server is killed mid-session, the next reward is still computed',
        async () => {
          const client = session.clientFor(c.file)!;
          const pidFile = client.pidFile!;
          const killed = await sb.exec(`kill -9 "$(cat ${pidFile})"`);
          expect(killed.exitCode).toBe(0);
          const r = await session.reward({ patch: patch(`${c.prefix}-fix`) });
          expect(client.restarts).toBeGreaterThanOrEqual(1);
          expect(client.pidFile).not.toBe(pidFile);
          expect(r.reward.dBefore).toBe(1);
          expect(r.reward.reward).toBeGreaterThan(0);
          await restore();
        },
      );
    });
  }
}

for (const impl of implementations(imageRef('python'))) {
  describe(`missingImports (pyright --outputjson, ${impl.name})`, async () => {
    const present = await impl.present;
    it.runIf(present)('counts 0 where every import resolves and 2 where two are missing', async () => {
      const ok = await impl.open(`${FIXTURES}py-repo`);
      const bad = await impl.open(`${FIXTURES}py-missing`);
      try {
        const [a, b] = await Promise.all([missingImports(ok), missingImports(bad)]);
        expect(a.count).toBe(0);
        expect(a.filesAnalyzed).toBeGreaterThanOrEqual(4);
        expect(b.count).toBe(2);
        expect(b.diagnostics.map((d) => d.line)).toEqual([4, 5]);
      } finally {
        await Promise.all([ok.close(), bad.close()]);
      }
    });
  });
}
