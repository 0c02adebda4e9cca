import { lines, setWorse, type StatusMap } from './status.js';

/** go test -v (`--- PASS: TestX (0.00s)`, subtests indented) or go test -json. */
export function parseGoTest(log: string): StatusMap {
  const map: StatusMap = {};
  for (const line of lines(log)) {
    if (line.startsWith('{')) {
      try {
        const e = JSON.parse(line) as { Action?: string; Test?: string };
        if (e.Test && e.Action === 'pass') setWorse(map, e.Test, 'PASSED');
        else if (e.Test && e.Action === 'fail') setWorse(map, e.Test, 'FAILED');
        else if (e.Test && e.Action === 'skip') setWorse(map, e.Test, 'SKIPPED');
        continue;
      } catch {
        // not a -json event
      }
    }
    const m = /^\s*--- (PASS|FAIL|SKIP): (\S+)/.exec(line);
    if (m) setWorse(map, m[2]!, m[1] === 'PASS' ? 'PASSED' : m[1] === 'FAIL' ? 'FAILED' : 'SKIPPED');
  }
  return map;
}
