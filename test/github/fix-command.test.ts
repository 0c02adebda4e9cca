import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixArgs, fixEnv, readFixOutput, readInputs, runFixCommand } from '../../src/github/index.js';

const KEY = 'sk-adapter-SECRET-77ab';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drydock-fixcmd-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const inputs = () =>
  readInputs({
    INPUT_API_KEY: KEY,
    INPUT_MODEL: 'm1',
    'INPUT_BASE-URL': 'http://127.0.0.1:9/v1',
    INPUT_CANDIDATES: '4',
    'INPUT_MAX-COST': '1.5',
    'INPUT_TIMEOUT-MINUTES': '20',
    INPUT_POLICY: '/p/extra.yaml',
  });

describe('the drydock fix adapter', () => {
  it('builds the documented command line, with no key in it', () => {
    const args = fixArgs({ repo: '/w', issueFile: '/o/issue.md', outDir: '/o/fix', inputs: inputs() });
    expect(args).toEqual([
      'fix',
      '--repo',
      '/w',
      '--issue',
      '/o/issue.md',
      '--out',
      '/o/fix',
      '--report',
      '--model',
      'm1',
      '--candidates',
      '4',
      '--max-cost',
      '1.5',
      '--timeout',
      '20m',
      '--policy',
      '/p/extra.yaml',
    ]);
    expect(args.join(' ')).not.toContain(KEY);
  });

  it('gives the child an environment from an allow-list plus the model settings', () => {
    const env = fixEnv(inputs(), {
      PATH: '/bin',
      HOME: '/h',
      GITHUB_TOKEN: 'ghs_x',
      ACTIONS_RUNTIME_TOKEN: 'r',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'i',
      INPUT_API_KEY: KEY,
      OPENAI_API_KEY: 'a-key-from-elsewhere',
    });
    expect(env).toEqual({
      PATH: '/bin',
      HOME: '/h',
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      DRYDOCK_MODEL: 'm1',
    });
  });

  it('runs the command as a child process: argv and env as built, stderr to the log; no summary is a problem, not a result', async () => {
    // A recorder in place of drydock: it writes down what it got and leaves no summary.
    const recorder = join(dir, 'record.mjs');
    writeFileSync(
      recorder,
      `import { writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(join(dir, 'record.json'))}, JSON.stringify({ argv: process.argv.slice(2), env: process.env }));
process.stdout.write('progress\\n');
process.stderr.write('line one\\nline two\\n');
process.exit(3);`,
    );
    const log: string[] = [];
    const run = await runFixCommand({
      repo: dir,
      issueFile: join(dir, 'issue.md'),
      outDir: join(dir, 'out'),
      inputs: { ...inputs(), policy: undefined },
      command: [process.execPath, recorder],
      env: fixEnv(inputs(), { PATH: process.env.PATH, GITHUB_TOKEN: 'ghs_never' }),
      log: (l) => log.push(l),
    });
    const rec = JSON.parse(readFileSync(join(dir, 'record.json'), 'utf8')) as {
      argv: string[];
      env: Record<string, string>;
    };
    expect(rec.argv.slice(0, 2)).toEqual(['fix', '--repo']);
    expect(JSON.stringify(rec.argv)).not.toContain(KEY);
    expect(rec.env.OPENAI_API_KEY).toBe(KEY);
    expect(rec.env.GITHUB_TOKEN).toBeUndefined();
    expect(log.sort()).toEqual(['line one', 'line two', 'progress']);
    expect(run.exitCode).toBe(3);
    expect(run.summary).toBeNull();
    expect(run.problem).toBe('drydock fix ended (exit code 3) without writing summary.json: line two');
  });

  it("names the CLI's error and its fix when there is no summary", () => {
    const stderr = '[repair] working\ndrydock: the model said 404\n  fix: check the model name\n';
    expect(readFixOutput(dir, 1, stderr).problem).toBe(
      'drydock fix ended (exit code 1) without writing summary.json: drydock: the model said 404 (fix: check the model name)',
    );
  });

  it('reads a summary, and says what is wrong with one that does not read', () => {
    writeFileSync(join(dir, 'summary.json'), JSON.stringify({ status: 'finished' }));
    expect(readFixOutput(dir, 0).problem).toMatch(/summary\.json does not read: status/);
    writeFileSync(join(dir, 'summary.json'), JSON.stringify({ status: 'no_patch', costUsd: null, extra: 1 }));
    const ok = readFixOutput(dir, 0);
    expect(ok.problem).toBeNull();
    expect(ok.summary).toMatchObject({ status: 'no_patch', costUsd: null, tests: null, patch: '' });
    expect(ok.patchFile).toBeNull();
  });
});
