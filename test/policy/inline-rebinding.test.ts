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
  // A value computed inside a loop or a function from a name bound again later in it: the later
  // binding reaches the line on the next pass, so the value is unknown (and so is what reads it).
  [
    "d = 'a'\nfor i in range(2):\n    q = d + '/x'\n    open(q, 'w').write('1')\n    d = '/etc'",
    'deny/interpreter-reads-stdin',
  ],
  [
    "d = 'a'\nwhile True:\n    q = d\n    r = q\n    os.remove(r)\n    d = '/etc/passwd'",
    'deny/interpreter-reads-stdin',
  ],
  [
    "import tempfile\nt = tempfile.mkdtemp()\nfor i in range(2):\n    q = os.path.join(t, 'x')\n    os.remove(q)\n    t = '/etc'",
    'deny/interpreter-reads-stdin',
  ],
  // a statement in a top-level `with`/`if` block runs once, where it is written (stream 20)
  [
    "import tempfile\nwith tempfile.NamedTemporaryFile(mode='w', suffix='.sql', delete=False) as f:\n    f.write('x')\n    p = f.name\nwith open(p) as f:\n    print(f.read())\nos.unlink(p)",
    'allow',
  ],
  ["d = '/tmp/x'\nif True:\n    q = d + '/y'\nd = '/etc'\nos.remove(q)", 'allow'],
  [
    "import tempfile\nwith tempfile.NamedTemporaryFile() as f:\n    pass\nf = open('/etc/passwd')\nq = f.name\nos.unlink(q)",
    'deny/interpreter-reads-stdin',
  ],
  [
    "d = '/tmp/x'\nif True:\n    d = '/etc'\n    q = d + '/passwd'\nos.remove(q)",
    'deny/interpreter-reads-stdin',
  ],
  // `exec` of literal code binds the names it spells in the caller
  ["p = 'a.py'\nexec(\"p = '/etc/passwd'\")\nos.remove(p)", 'deny/interpreter-reads-stdin'],
  ["p = 'a.py'\neval(\"(p := '/etc/passwd')\")\nos.remove(p)", 'deny/interpreter-reads-stdin'],
  ["p = 'a.py'\nexec('print(1)')\nos.remove(p)", 'allow'],
  // … and one bound once, or read at the top level in order, keeps its value.
  ["d = 'a'\nfor i in range(2):\n    q = d + '/x'\n    open(q, 'w').write('1')", 'allow'],
  ["d = 'a'\nq = d + '/x'\nd = '/etc'\nopen(q, 'w').write('1')", 'allow'],
];

/**
 * `tempfile`'s new files and directories (under /tmp, the scratch directory) reached the ways
 * agents write it: a `TemporaryDirectory()` kept in a name outside a `with` (`d.name`, also
 * inside a join), and `mkstemp`'s descriptor written through `os.write`/`os.fdopen` (streams 6
 * and 20). The object rebound, or `dir=` outside the workspace, is refused.
 */
const TEMP: Array<[string, string]> = [
  [
    "import tempfile\nd = tempfile.TemporaryDirectory()\np = os.path.join(d.name, 'x.py')\nopen(p, 'w').write('1')\nd.cleanup()",
    'allow',
  ],
  [
    "import tempfile\nd = tempfile.TemporaryDirectory(prefix='t')\n(Path(d.name) / 'x.py').write_text('1')",
    'allow',
  ],
  [
    "import tempfile\nfd, p = tempfile.mkstemp(suffix='.py')\nos.write(fd, b'1')\nos.close(fd)\nos.unlink(p)",
    'allow',
  ],
  ["import tempfile\nfd, p = tempfile.mkstemp()\nwith os.fdopen(fd, 'w') as f:\n    f.write('x')", 'allow'],
  [
    "import tempfile\nd = tempfile.TemporaryDirectory()\nd = Path('/etc')\nopen(os.path.join(d.name, 'x'), 'w').write('1')",
    'deny/interpreter-reads-stdin',
  ],
  [
    "import tempfile\nd = tempfile.TemporaryDirectory()\nfor i in range(2):\n    p = os.path.join(d.name, 'x')\n    os.remove(p)\n    d = Path('/etc')",
    'deny/interpreter-reads-stdin',
  ],
  [
    "import tempfile\nd = tempfile.TemporaryDirectory(dir='/root')\nopen(os.path.join(d.name, 'x'), 'w').write('1')",
    'deny/write-outside-workspace',
  ],
];

describe('a name rebound at the top level of inline code', () => {
  it.each(CASES)('%j', (code, expected) => {
    const d = engine.check(py(code));
    expect(expected === 'allow' ? d.decision : `${d.decision}/${d.rule}`).toBe(expected);
  });
});

describe("tempfile's objects and descriptors in inline code", () => {
  it.each(TEMP)('%j', (code, expected) => {
    const d = engine.check(py(code));
    expect(expected === 'allow' ? d.decision : `${d.decision}/${d.rule}`).toBe(expected);
  });
});

/**
 * JavaScript's reader does not follow scopes, so a name is a known value only when one
 * `const/let/var NAME = …` binds it and every name its value read stays bound to one value: a
 * parameter, `for (const p of …)`, `catch (p)`, a destructuring, `p += …` or a hoisted function's
 * assignment reaching it makes it unknown.
 */
const JS: Array<[string, string]> = [
  ["const p = '/tmp/a'; ['/etc/passwd'].forEach((p) => fs.unlinkSync(p));", 'deny/interpreter-one-liners-e'],
  ["const p = '/tmp/a'; function f(p = '/etc/x') { fs.rmSync(p); } f();", 'deny/interpreter-one-liners-e'],
  ["const p = '/tmp/a'; for (const p of ['/etc/passwd']) fs.unlinkSync(p);", 'deny/interpreter-one-liners-e'],
  ["const p = '/tmp/a'; try { throw 0 } catch (p) { fs.unlinkSync(p) }", 'deny/interpreter-one-liners-e'],
  ["let p = '/tmp/a'; [p] = ['/etc/passwd']; fs.unlinkSync(p);", 'deny/interpreter-one-liners-e'],
  ["let p = '/tmp/a'; ({ p } = { p: '/etc/passwd' }); fs.unlinkSync(p);", 'deny/interpreter-one-liners-e'],
  [
    "const p = '/tmp/a'; { const { q: p } = { q: '/etc/passwd' }; fs.unlinkSync(p); }",
    'deny/interpreter-one-liners-e',
  ],
  ["let p = '/tmp/a'; p += '/../../etc/passwd'; fs.unlinkSync(p);", 'deny/interpreter-one-liners-e'],
  [
    "let d = '/tmp/a'; for (let i = 0; i < 2; i++) { const p = d + '/x'; fs.rmSync(p); d = '/etc'; }",
    'deny/interpreter-one-liners-e',
  ],
  [
    "let d = '/tmp/a'; g(); const p = d; fs.unlinkSync(p); function g() { d = '/etc/passwd'; }",
    'deny/interpreter-one-liners-e',
  ],
  // one binding, read where it is: followed
  ["const d = '/tmp/a'; const p = d + '/x'; fs.writeFileSync(p, 'x'); fs.unlinkSync(p);", 'allow'],
  ["const p = path.join('/tmp', 'x.txt'); for (const l of ['a']) fs.appendFileSync(p, l);", 'allow'],
  ["const p = '/etc/passwd'; fs.unlinkSync(p);", 'deny/delete-outside-workspace'],
  // sloppy mode's `with` makes an object's properties names
  ["const p = '/tmp/a'; with ({ p: '/etc/passwd' }) { fs.unlinkSync(p); }", 'deny/interpreter-one-liners-e'],
  // `eval` and `Function` as values: an indirect eval (lead probe, 5 Dec: `(0, eval)(…)` was allowed)
  ["(0, eval)('1 + 1');", 'deny/interpreter-one-liners-e'],
  ["const e = eval; e('1');", 'deny/interpreter-one-liners-e'],
  ["[Function][0]('return 1')();", 'deny/interpreter-one-liners-e'],
  ['console.log(typeof eval, typeof Function);', 'allow'],
];

describe('names rebound in inline JavaScript', () => {
  it.each(JS)('%j', (code, expected) => {
    const d = engine.check(`node -e "const fs = require('fs'), path = require('path'); ${code}"`);
    expect(expected === 'allow' ? d.decision : `${d.decision}/${d.rule}`).toBe(expected);
  });
});

/**
 * `__import__('os').path.exists(p)` (stream 20's one-liners) is read as `os.path.exists(p)` when
 * the call only reads or computes; any other use of the module it gives stays unknown (the
 * sandbox-escape idiom), as when the code binds `__import__` or aliases the name to another module.
 */
const IMPORTED: Array<[string, string]> = [
  ["print('x', __import__('os').path.exists('setup.py'))", 'allow'],
  ["print(__import__('os.path').path.join('a', 'b'))", 'allow'],
  ["__import__('os').getcwd()", 'allow'],
  // anything but a read or a computation on it stays unknown (the sandbox-escape idiom)
  ["__import__('subprocess').run(['ls'])", 'deny/interpreter-reads-stdin'],
  ["__import__('os').system('id')", 'deny/interpreter-reads-stdin'],
  ["__import__('os').system('rm -rf ~')", 'deny/delete-outside-workspace'],
  ["__import__('shutil').rmtree('/etc')", 'deny/delete-outside-workspace'],
  ["f = __import__('os').system\nf('ls')", 'deny/interpreter-reads-stdin'],
  ["m = __import__('os')\nm.getcwd()", 'deny/interpreter-reads-stdin'],
  ["import json as os\n__import__('os').system('ls')", 'deny/interpreter-reads-stdin'],
  ["__import__ = lambda n: n\n__import__('os').getcwd()", 'deny/interpreter-reads-stdin'],
];

describe("__import__'s module in inline Python", () => {
  it.each(IMPORTED)('%j', (code, expected) => {
    const d = engine.check(py(code));
    expect(expected === 'allow' ? d.decision : `${d.decision}/${d.rule}`).toBe(expected);
  });
});

/**
 * A path relative to a directory opened elsewhere (`dir_fd=`, `src_dir_fd=`, `dst_dir_fd=` of
 * os's calls and of shutil.rmtree) names a file in that directory: only known when it runs (lead
 * probe, 5 Dec: `os.unlink("hosts", dir_fd=os.open("/etc", …))` was allowed as a workspace file).
 */
const DIR_FD: Array<[string, string]> = [
  ["fd = os.open('/etc', os.O_RDONLY)\nos.unlink('hosts', dir_fd=fd)", 'deny/interpreter-reads-stdin'],
  ["os.rename('a', 'b', src_dir_fd=3)", 'deny/interpreter-reads-stdin'],
  ["os.link('a', 'b', dst_dir_fd=3)", 'deny/interpreter-reads-stdin'],
  ["os.mkdir('d', dir_fd=os.open('..', os.O_RDONLY))", 'deny/interpreter-reads-stdin'],
  ["import shutil\nshutil.rmtree('src', dir_fd=4)", 'deny/interpreter-reads-stdin'],
  // dir_fd=None is the plain call
  ["os.unlink('build/x.o', dir_fd=None)", 'allow'],
  ["print(os.stat('setup.py', dir_fd=None).st_size)", 'allow'],
];

describe('dir_fd paths in inline Python', () => {
  it.each(DIR_FD)('%j', (code, expected) => {
    const d = engine.check(py(code));
    expect(expected === 'allow' ? d.decision : `${d.decision}/${d.rule}`).toBe(expected);
  });
});

/**
 * Escape sequences inside Python string literals are the characters they stand for (lead probe,
 * 5 Dec: tree-sitter puts them inside `string_content`, whose text was taken as written, so
 * `os.remove("\x2fetc/hosts")` was decided as a workspace file and 7 of 9 such spellings were
 * allowed). Raw strings keep their backslashes; `\N{…}` names stay unknown.
 */
const ESCAPES: Array<[string, string]> = [
  ['os.remove("\\x2fetc/hosts")', 'deny/delete-outside-workspace'],
  ['os.remove("\\057etc/hosts")', 'deny/delete-outside-workspace'],
  ['os.remove("\\u002fetc/hosts")', 'deny/delete-outside-workspace'],
  ['os.remove("\\U0000002fetc/hosts")', 'deny/delete-outside-workspace'],
  ['import shutil\nshutil.rmtree("\\x2e\\x2e/other")', 'deny/delete-outside-workspace'],
  ['os.system("rm -rf \\x7e/.ssh")', 'deny/delete-outside-workspace'],
  ['import subprocess\nsubprocess.run(["rm", "-rf", "\\x2fsrv"])', 'deny/delete-outside-workspace'],
  ['os.remove(b"\\x2fetc/hosts")', 'deny/delete-outside-workspace'],
  ['os.remove(f\'\\x2f{"etc"}/hosts\')', 'deny/delete-outside-workspace'],
  ['open("\\N{SOLIDUS}etc/hosts", "w").write("x")', 'deny/interpreter-reads-stdin'],
  ['exec("import os\\nos.remove(\\"/etc/hosts\\")")', 'deny/delete-outside-workspace'],
  // the same escapes naming workspace files, and code run by exec that only prints
  ['open("out\\x2etxt", "w").write("x")', 'allow'],
  ['os.remove("build\\x2fx.o")', 'allow'],
  ['exec("import os\\nprint(os.getcwd())")', 'allow'],
  ["print(f'{{a}}\\t{os.getcwd()}')", 'allow'],
  // a raw string's backslashes are text: a relative name with a backslash in it
  ['os.remove(r"\\x2fetc")', 'allow'],
];

/**
 * `eval` of a name that may be a module or its function hands that function out, called where
 * the reader does not follow it (lead probe, 5 Dec: `eval("os.remove")("/etc/hosts")` was
 * allowed). `eval` of a value or of a call it reads stays read.
 */
const EVALS: Array<[string, string]> = [
  ['eval("os.remove")("/etc/hosts")', 'deny/interpreter-reads-stdin'],
  ['f = eval("os.system")\nf("id")', 'deny/interpreter-reads-stdin'],
  ['import shutil as s\neval("s.rmtree")("src")', 'deny/interpreter-reads-stdin'],
  ['eval("__import__")("os").remove("x")', 'deny/interpreter-reads-stdin'],
  ['print(eval("1 + 2"))', 'allow'],
  ['print(eval("os.path.exists(\'setup.py\')"))', 'allow'],
];

describe('eval of a module function in inline Python', () => {
  it.each(EVALS)('%j', (code, expected) => {
    const d = engine.check(py(code));
    expect(expected === 'allow' ? d.decision : `${d.decision}/${d.rule}`).toBe(expected);
  });
});

describe('escape sequences in inline Python strings', () => {
  it.each(ESCAPES)('%j', (code, expected) => {
    const d = engine.check(py(code));
    expect(expected === 'allow' ? d.decision : `${d.decision}/${d.rule}`).toBe(expected);
  });
});
