import { DrydockError } from '../core/index.js';
import { imageRef, openSandbox } from '../sandbox/index.js';
import type { StatusMap, TestStatus } from '../code/index.js';

const DRIVER = `
import json, sys
ns = {"__name__": "drydock_log_parser"}
exec(compile(open("/tmp/drydock/parser.py").read(), "log_parser", "exec"), ns)
result = ns["parser"](open("/tmp/drydock/log.txt", encoding="utf-8", errors="replace").read())
out = {}
for k, v in dict(result).items():
    v = getattr(v, "value", v)
    out[str(k)] = str(v).upper()
sys.stdout.write("DRYDOCK_PARSER_RESULT " + json.dumps(out) + "\\n")
`;

const VALID = new Set(['PASSED', 'FAILED', 'SKIPPED', 'ERROR', 'XFAIL']);

/**
 * A parser's status word as a TestStatus; SWE-bench-Live's parsers say pass / fail / skip. With
 * `live`, as SWE-bench-Live's run_instance reads the word: a pass when it holds "pass", a failure
 * when it holds "fail", else neither (so "error" or "timeout" count as neither there).
 */
export function statusOf(v: string, live = false): TestStatus {
  if (live) {
    if (v.includes('PASS')) return 'PASSED';
    if (v.includes('XFAIL')) return 'XFAIL';
    return v.includes('FAIL') ? 'FAILED' : 'SKIPPED';
  }
  if (VALID.has(v)) return v as TestStatus;
  if (v.includes('XFAIL')) return 'XFAIL';
  if (v.includes('PASS')) return 'PASSED';
  if (v.includes('SKIP')) return 'SKIPPED';
  if (v.includes('ERR')) return 'ERROR';
  return 'FAILED';
}

/**
 * Runs a `log_parser` given as Python source (untrusted) inside a throwaway
 * sandbox: no network, no host mounts, its own memory, pids and time limits.
 */
export async function runPythonParser(
  source: string,
  log: string,
  opts: {
    timeoutMs?: number;
    /** SWE-bench-Live's reading of the words (see statusOf). */ live?: boolean;
  } = {},
): Promise<StatusMap> {
  const sb = await openSandbox({
    image: imageRef('python'),
    network: 'none',
    limits: {
      memoryBytes: 512 * 1024 * 1024,
      pids: 64,
      timeoutMs: opts.timeoutMs ?? 60_000,
      maxOutputBytes: 64 * 1024 * 1024,
    },
  });
  try {
    await sb.exec('mkdir -p /tmp/drydock');
    await sb.writeFile('/tmp/drydock/parser.py', source);
    await sb.writeFile('/tmp/drydock/log.txt', log);
    await sb.writeFile('/tmp/drydock/driver.py', DRIVER);
    const r = await sb.exec('python3 /tmp/drydock/driver.py', { cwd: '/tmp' });
    const line = r.stdout.split('\n').find((l) => l.startsWith('DRYDOCK_PARSER_RESULT '));
    if (r.exitCode !== 0 || !line)
      throw new DrydockError(
        `the Python log_parser failed (exit ${r.exitCode}${r.killedBy ? `, killed: ${r.killedBy}` : ''}): ${r.stderr.trim().split('\n').slice(-3).join(' ')}`,
        'fix the log_parser source: it must define parser(log) returning a dict of test id to status',
        'LOG_PARSER_FAILED',
      );
    const raw = JSON.parse(line.slice('DRYDOCK_PARSER_RESULT '.length)) as Record<string, string>;
    const map: StatusMap = {};
    for (const [k, v] of Object.entries(raw)) map[k] = statusOf(v, opts.live);
    return map;
  } finally {
    await sb.close();
  }
}

/** True when `log_parser` is Python source rather than a parser name. */
export const isPythonParser = (s: string) => /\bdef\s+parser\s*\(/.test(s);
