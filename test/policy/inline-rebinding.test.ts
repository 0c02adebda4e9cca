import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/index.js';

/**
 * A name bound more than once by plain top-level assignments (an edit script's `p = Path(…)`,
 * later `p = Person(…)` in its check): top-level statements run in order, so a use that runs where
 * it is read has the last binding before it (inline.ts `constantAt`, from agent stream 2).
 * A use that may run later (a function, lambda, class or generator), or a name also bound any
 * other way (a loop, a branch, `with`, `:=`, `global`, a tuple), stays unknown.
 */
let engine: PolicyEngine;
beforeAll(async () => {
  engine = await PolicyEngine.create({ unattended: true, offloadFrom: Infinity, budgetMs: Infinity });
});
const py = (code: string) => `python - <<'PY'\nfrom pathlib import Path\nimport os\n${code}\nPY`;
const CASES: Array<[string, string]> = [
  ["p = Path('a.py')\ns = p.read_text()\np.write_text(s)\np = Person(p)\nprint(p)", 'allow'],
  [
    "p = Path('a.py')\np.write_text('x')\np = Path('/etc/passwd')\np.write_text('x')",
    'deny/write-outside-workspace',
  ],
  ["p = Path('/etc/passwd')\np.write_text('x')\np = Path('a.py')", 'deny/write-outside-workspace'],
  [
    "p = 'a.py'\nopen(p, 'w').write('x')\np = '/etc/passwd'\nopen(p, 'w').write('x')",
    'deny/write-outside-workspace',
  ],
  ["c = 'ls'\nos.system(c)\nc = 'rm -rf ~'\nos.system(c)", 'deny/delete-outside-workspace'],
  ["c = 'ls'\nos.system(c)\nc = 'rm -rf ~'", 'allow'],
  // Uses that may run after a later binding, and names bound some other way too: unknown.
  [
    "p = Path('a.py')\ndef f():\n    p.write_text('x')\np = Path('/etc/passwd')\nf()",
    'deny/interpreter-reads-stdin',
  ],
  [
    "p = Path('a.py')\ng = (p.write_text('x') for _ in [1])\np = Path('/etc/passwd')\nlist(g)",
    'deny/interpreter-reads-stdin',
  ],
  ["p = Path('a.py')\nif 1:\n    p = Path('/etc/passwd')\np.write_text('x')", 'deny/interpreter-reads-stdin'],
  [
    "p = Path('a.py')\nfor p in [Path('/etc/passwd')]:\n    pass\np.write_text('x')",
    'deny/interpreter-reads-stdin',
  ],
  [
    "p = Path('a.py')\ndef g():\n    global p\n    p = Path('/etc/passwd')\ng()\np.write_text('x')",
    'deny/interpreter-reads-stdin',
  ],
  ["p = Path('a.py')\np = Path('b.py')\nq = p\nq.write_text('x')", 'deny/interpreter-reads-stdin'],
];

describe('a name rebound at the top level of inline code', () => {
  it.each(CASES)('%j', (code, expected) => {
    const d = engine.check(py(code));
    expect(expected === 'allow' ? d.decision : `${d.decision}/${d.rule}`).toBe(expected);
  });
});
