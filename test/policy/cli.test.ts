import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

/** Runs the CLI in this process, capturing stdout; stdin comes from `input`. */
async function run(args: string[], input?: string): Promise<{ code: number; out: string }> {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const stdin = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  if (input !== undefined)
    Object.defineProperty(process, 'stdin', { value: Readable.from([input]), configurable: true });
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'drydock', ...args]);
    return { code, out };
  } finally {
    write.mockRestore();
    Object.defineProperty(process, 'stdin', stdin);
    process.exitCode = undefined;
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('drydock policy check', () => {
  it('exits 0 for allow, 3 for ask, 4 for deny', async () => {
    expect((await run(['policy', 'check', '--', 'git status'])).code).toBe(0);
    expect((await run(['policy', 'check', '--', 'python', '-c', 'exec(input())'])).code).toBe(3);
    const denied = await run(['policy', 'check', '--', 'rm -rf /']);
    expect(denied.code).toBe(4);
    expect(denied.out).toMatch(/^deny\s+delete-outside-workspace/);
  });

  it('prints JSON with the parts', async () => {
    const { out } = await run(['policy', 'check', '--json', '--', 'ls && git push']);
    const d = JSON.parse(out) as { command: string; decision: string; rule: string; parts: unknown[] };
    expect(d).toMatchObject({ command: 'ls && git push', decision: 'deny', rule: 'git-push' });
    expect(d.parts).toHaveLength(2);
  });

  it('handles 1,000 lines from stdin in one process, one JSON object per line, exit 0', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) =>
      i % 2 === 0 ? `cat file${i}.txt` : `rm -rf /srv/${i}`,
    );
    const { code, out } = await run(['policy', 'check', '--stdin', '--json'], `${lines.join('\n')}\n`);
    expect(code).toBe(0);
    const rows = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(rows).toHaveLength(1000);
    expect(Object.keys(rows[0]!).sort()).toEqual(['command', 'decision', 'reason', 'rule']);
    expect(rows[0]).toMatchObject({ command: 'cat file0.txt', decision: 'allow' });
    expect(rows[999]).toMatchObject({
      command: 'rm -rf /srv/999',
      decision: 'deny',
      rule: 'delete-outside-workspace',
    });
  });

  it('takes extra policy files and refuses a bad one with one line', async () => {
    const good = new URL('../fixtures/policy/project-allow-python.yaml', import.meta.url).pathname;
    expect(
      (await run(['policy', 'check', '--policy', good, '--', 'python', '-c', 'exec(input())'])).code,
    ).toBe(0);
    const bad = new URL('../fixtures/policy/bad/failing-example.yaml', import.meta.url).pathname;
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect((await run(['policy', 'check', '--policy', bad, '--', 'ls'])).code).toBe(1);
      expect(stderr).toHaveBeenCalledTimes(1);
      expect(String(stderr.mock.calls[0]![0])).toMatch(/failing-example\.yaml:7: rule 'no-curl'/);
    } finally {
      stderr.mockRestore();
    }
  });
});

describe('drydock policy test', () => {
  it('runs the examples of the default policy', async () => {
    const { code, out } = await run(['policy', 'test']);
    expect(code).toBe(0);
    expect(out).toMatch(/default\.yaml: \d+ rules, (\d+)\/\1 examples pass/);
  });

  it('lists failing examples and exits 1', async () => {
    const bad = new URL('../fixtures/policy/bad/failing-example.yaml', import.meta.url).pathname;
    const { code, out } = await run(['policy', 'test', bad]);
    expect(code).toBe(1);
    expect(out).toContain("rule 'no-curl': `wget https://example.com` should match but does not");
  });
});
