import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PolicyEngine } from '../../src/policy/index.js';
import { javascriptEffects, pythonEffects, withTreeLimit } from '../../src/policy/inline.js';
import {
  EXTRACT_LIMIT,
  extract,
  splitJavaScript,
  splitPython,
  TREE_LIMIT,
} from '../../src/policy/inline-lex.js';
import { loadCodeParsers } from '../../src/policy/shell.js';

// Inline code (`python -c`, `python - <<EOF`, `node -e`) longer than TREE_LIMIT is cut by a
// linear lexer into the statements the tree reader must see (src/policy/inline-lex.ts).
// Decisions only: the time is measured by `npm run bench:policy`.

let engine: PolicyEngine;
let parsers: Awaited<ReturnType<typeof loadCodeParsers>>;
beforeAll(async () => {
  engine = await PolicyEngine.create({ budgetMs: Infinity, unattended: true });
  parsers = await loadCodeParsers();
});

const texts = (code: string, split: ReturnType<typeof splitPython>): string[] => {
  if (!split.ok) throw new Error(split.why);
  const out: string[] = [];
  for (let k = 0; k < 3 * split.count; k += 3)
    out.push(code.slice(split.statements[k]!, split.statements[k + 1]!));
  return out;
};

describe('the lexer cuts statements where the language does', () => {
  it('Python: logical lines, `;`, brackets, continuations, comments, all string kinds', () => {
    const code = [
      "a = 1; b = 'x;y'  # c; d = 'e",
      'f(1,',
      '  2)',
      'g = """x',
      'y\'; z = 1"""',
      'h = \\',
      '  3',
      "i = f'{a[\"k\"]};{b!r:>{w}}' + rb'\\'' + f\"{ {'k': 1}['k'] }\"",
      "j = f'\\N{BULLET} {{not}} {x}'",
      'if a:',
      '    k = 2',
    ].join('\n');
    expect(texts(code, splitPython(code))).toEqual([
      'a = 1',
      "b = 'x;y'",
      'f(1,\n  2)',
      'g = """x\ny\'; z = 1"""',
      'h = \\\n  3',
      "i = f'{a[\"k\"]};{b!r:>{w}}' + rb'\\'' + f\"{ {'k': 1}['k'] }\"",
      "j = f'\\N{BULLET} {{not}} {x}'",
      'if a:',
      'k = 2',
    ]);
  });

  it('JavaScript: `;` outside brackets, strings, templates with `${…}`, comments, regular expressions', () => {
    const code =
      "const a = 'x;y'; /* ; ' */ f(1, () => { g(); }); const r = /[;'/]/g; t = `a${`b;${c}`};`; // ; '\nh()";
    expect(texts(code, splitJavaScript(code))).toEqual([
      "const a = 'x;y'",
      'f(1, () => { g(); })',
      "const r = /[;'/]/g",
      't = `a${`b;${c}`};`',
      'h()',
    ]);
  });

  it('says why when it cannot follow the code, rather than guessing', () => {
    for (const bad of ["x = 'abc", '"""abc', 'f(1', 'x = )', "f'{a'", 'a = 1; class C: pass', 'x = 1 \\ y'])
      expect(splitPython(bad).ok, bad).toBe(false);
    for (const bad of ["x = 'abc", '/* x', 'f(1', 'x = )', '`a${b`', 'x = /abc'])
      expect(splitJavaScript(bad).ok, bad).toBe(false);
  });
});

describe('the extract keeps every statement the reader needs', () => {
  const words = new Set(['os', 'open', 'require']);
  const filler = (unit: string) => unit.repeat(Math.ceil(20_000 / unit.length));

  it('follows import aliases and bindings of the names a kept call uses', () => {
    const code = `import os as o\np = 'a.txt'\n${filler('y = 2\n')}p = input()\no.system('ls')\nopen(p, 'w')\n`;
    const x = extract(code, 'python', words);
    expect(x).toEqual({
      ok: true,
      code: "import os as o\np = 'a.txt'\np = input()\no.system('ls')\nopen(p, 'w')",
    });
  });

  it('turns block headers into statements that parse on their own', () => {
    const code = `${filler('y = 2\n')}for f in os.listdir('.'):\n    if f.endswith('.py'):\n        print(f)\n    elif os.path.isdir(f):\n        pass\ntry:\n    os.remove('x')\nexcept OSError as e:\n    print(e)\n`;
    const x = extract(code, 'python', words);
    expect(x.ok && x.code).toBe(
      "for f in os.listdir('.'): pass\nif f.endswith('.py'): pass\nprint(f)\nif os.path.isdir(f): pass\nos.remove('x')",
    );
  });

  it('JavaScript: follows the names bound to a required module', () => {
    const code = `const cp = require('child_process');${filler('let y = 2;')}const d = cp;d.execSync('ls');`;
    const x = extract(code, 'javascript', words);
    expect(x.ok && x.code).toBe("const cp = require('child_process');\nconst d = cp;\nd.execSync('ls');");
  });

  it('reads words in strings and comments too, so a misjudged string end can only keep more', () => {
    const code = `${filler('y = 2\n')}x = "not os"\n# os\n`;
    const x = extract(code, 'python', words);
    expect(x.ok && x.code).toBe('x = "not os"\n# os');
  });

  it('keeps the comments and blanks after a kept statement, so text misread as a comment is not dropped', () => {
    // the words of a comment keep the statement before it, and the comment goes with it
    const code = `${filler('let y = 2;')}let x = 1; // require('child_process')\n${filler('let z = 3;')}`;
    const x = extract(code, 'javascript', words);
    expect(x.ok && x.code).toBe("let x = 1; // require('child_process')");
  });

  it('gives up (ask) when the extract would be long', () => {
    const code = `import os\n${'print(os.getcwd())\n'.repeat(EXTRACT_LIMIT)}`;
    expect(extract(code, 'python', words)).toEqual({ ok: false, why: 'code too long to read' });
  });
});

describe('long inline code is decided on what it does', () => {
  const N = 99_000;
  const fill = (unit: string, total = N) => unit.repeat(Math.floor(total / unit.length));
  const decide = (command: string) => {
    const d = engine.check(command);
    return d.decision === 'allow' ? 'allow' : `${d.decision} (${d.rule})`;
  };
  const cases: Array<[string, string, 'allow' | 'refuse']> = [
    ['only prints', `python3 -c "${fill('print(1); ')}"`, 'allow'],
    ['a here-document that only prints', `python3 - <<'EOF'\n${fill('print("a b")\n')}EOF`, 'allow'],
    ['node: only logs', `node -e "${fill('console.log(1); ')}"`, 'allow'],
    ['ends in os.system', `python3 -c "import os; ${fill('x=1; ')}os.system('rm -rf ~')"`, 'refuse'],
    [
      'an aliased module',
      `python3 - <<'EOF'\nimport os as o\n${fill('y = 2\n')}o.system('rm -rf ~')\nEOF`,
      'refuse',
    ],
    [
      'a write to a bound path',
      `python3 - <<'EOF'\np = '/etc/passwd'\n${fill('y = 2\n')}open(p, 'w')\nEOF`,
      'refuse',
    ],
    [
      'a path bound twice',
      `python3 - <<'EOF'\np = 'a.txt'\n${fill('y = 2\n')}p = input()\nopen(p, 'w')\nEOF`,
      'refuse',
    ],
    [
      'a call in an f-string field',
      `python3 - <<'EOF'\n${fill('print(1)\n')}print(f"{__import__('os').system('rm -rf ~')}")\nEOF`,
      'refuse',
    ],
    [
      'a call hidden after a string with a quote in it',
      `python3 - <<'EOF'\n${fill("s = 'it''s'\n")}import os; os.system('rm -rf ~')\nEOF`,
      'refuse',
    ],
    // The loaders and hubs are kept by their module's name; a name the import binds (`pd`,
    // `read_pickle`) by the word it shares with the kept import.
    [
      'an unpickler through an alias',
      `python3 - <<'EOF'\nimport pandas as pd\n${fill('y = 2\n')}pd.read_pickle('/etc/d.pkl')\nEOF`,
      'refuse',
    ],
    [
      'an unpickler imported by name',
      `python3 - <<'EOF'\nfrom joblib import load\n${fill('y = 2\n')}load('/etc/m.pkl')\nEOF`,
      'refuse',
    ],
    [
      'a network submodule through an alias',
      `python3 - <<'EOF'\nimport gevent.socket as gs\n${fill('y = 2\n')}gs.create_connection(('h', 1))\nEOF`,
      'refuse',
    ],
    [
      "IPython's shell, which needs no import",
      `python3 - <<'EOF'\n${fill('y = 2\n')}get_ipython().system('rm -rf ~')\nEOF`,
      'refuse',
    ],
    [
      'the same library reading a workspace CSV',
      `python3 - <<'EOF'\nimport pandas as pd\n${fill('y = 2\n')}print(pd.read_csv('data.csv'))\nEOF`,
      'allow',
    ],
    // Code the lexer cannot follow is code CPython rejects too, or code the grammar lags on: it
    // is harmless only when it names nothing the reader acts on (see \`unparsed\` in inline.ts).
    ['an unterminated string', `python3 - <<'EOF'\n${fill('print(1)\n')}x = 'abc\nEOF`, 'allow'],
    ['an unterminated triple-quoted string', `python3 - <<'EOF'\n"""${fill('print(1)\n')}EOF`, 'allow'],
    ['unbalanced brackets', `python3 - <<'EOF'\nx = ${'('.repeat(50_000)}\nEOF`, 'allow'],
    [
      'an unterminated string after a call the reader acts on',
      `python3 - <<'EOF'\nimport os\n${fill('print(1)\n')}os.system('id')\nx = 'abc\nEOF`,
      'refuse',
    ],
    [
      'an unterminated triple-quoted string naming a dunder',
      `python3 - <<'EOF'\n"""${fill('print(1)\n')}().__class__\nEOF`,
      'refuse',
    ],
    [
      'unbalanced brackets around a path',
      `python3 - <<'EOF'\nx = ${'('.repeat(50_000)}'/root/.netrc'\nEOF`,
      'refuse',
    ],
    [
      'deeply nested brackets, harmless',
      `python3 - <<'EOF'\nx = ${'('.repeat(40_000)}1${')'.repeat(40_000)}\nEOF`,
      'allow',
    ],
    [
      'node: a required module bound to a name',
      `node -e "const cp = require('child_process');${fill('let y = 2;')}cp.execSync('rm -rf ~');"`,
      'refuse',
    ],
    [
      'node: a template literal field',
      `node -e '${fill('console.log(`a${1}b`);')}\`\${require("child_process").execSync("rm -rf ~")}\`'`,
      'refuse',
    ],
    [
      'node: a regular expression with a quote',
      `node -e '${fill('x = /"/.test(y);')}require("child_process").execSync("rm -rf ~");'`,
      'refuse',
    ],
    [
      'node: a regular expression after `)`, which the lexer reads as a division and a comment',
      `node -e '${fill('console.log(1); ')}if (ok) /[//]/.test(s) && require("child_process").execSync("rm -rf ~")\n;[0]'`,
      'refuse',
    ],
    ['node: an unterminated template', `node -e '\`${fill('console.log(1); ')}'`, 'refuse'],
    [
      'node: an identifier spelled with escapes',
      `node -e '${fill('console.log(1); ')}\\u0065val("1");'`,
      'refuse',
    ],
  ];
  for (const [what, command, expected] of cases)
    it(`${what}: ${expected}`, () => {
      expect(command.length).toBeGreaterThan(TREE_LIMIT);
      const got = decide(command);
      if (expected === 'allow') expect(got).toBe('allow');
      else expect(got).not.toBe('allow');
    });

  it('the lexer and the tree reader find the same effects in code they both read', () => {
    const samples: Array<[string, 'python' | 'javascript']> = [
      [
        "import os, subprocess\nsubprocess.run(['git', 'status'], check=True)\nos.remove('a.txt')\nprint(os.getcwd())",
        'python',
      ],
      [
        "from pathlib import Path\nPath('out.txt').write_text('x')\nimport shutil as sh\nsh.rmtree('/tmp/x')",
        'python',
      ],
      ["import os\nfor k in ('A', 'B'):\n    print(os.environ.get(k))\nos.environ['X'] = '1'", 'python'],
      [
        "const fs = require('fs'); fs.writeFileSync('out.txt', 'x'); const { execSync } = require('child_process'); execSync('ls -la');",
        'javascript',
      ],
      ["console.log(process.env.HOME); process.env.X = '1'; fetch('https://example.com/x');", 'javascript'],
    ];
    for (const [code, lang] of samples) {
      const read = lang === 'python' ? pythonEffects : javascriptEffects;
      const parser = lang === 'python' ? parsers.python : parsers.javascript;
      expect(read(parser, code, undefined, -1), code).toEqual(read(parser, code));
      expect(read(parser, code).length, code).toBeGreaterThan(0);
    }
  });
});

describe('cross-check: every inline-code command of the corpora is decided as by the tree reader alone', () => {
  const fixtures = new URL('../fixtures/policy/', import.meta.url);
  const read = (name: string) => readFileSync(new URL(name, fixtures), 'utf8');
  const commands = new Set<string>();
  for (const d of parse(read('dangerous.yaml')) as Array<{ command: string }>) commands.add(d.command);
  for (const d of parse(read('benign.yaml')) as string[]) commands.add(d);
  for (const l of read('corpus.jsonl').trim().split('\n'))
    commands.add((JSON.parse(l) as { command: string }).command);
  for (const l of read('agent-stream/commands.jsonl').trim().split('\n'))
    commands.add((JSON.parse(l) as { command: string }).command);
  const inline = [...commands].filter((c) => /\b(python[0-9.]*|node|nodejs)\b/.test(c));

  it('reads at least a thousand commands that name an interpreter', () => {
    expect(inline.length).toBeGreaterThan(1000);
  });

  it('the same decision and rule with every piece of code cut by the lexer first', () => {
    const differ: string[] = [];
    for (const c of inline) {
      const tree = engine.check(c);
      const cut = withTreeLimit(-1, () => engine.check(c));
      if (tree.decision !== cut.decision || tree.rule !== cut.rule)
        differ.push(`${tree.decision}/${tree.rule} → ${cut.decision}/${cut.rule}: ${c.slice(0, 200)}`);
    }
    expect(differ).toEqual([]);
  });
});

describe('ways to reach a module without naming the call are read as unknown (ask), never as harmless', () => {
  const refused = [
    `python3 -c "import os; o = os; o.system('rm -rf ~')"`,
    `python3 -c "import os; f = [os][0]; f.system('id')"`,
    `python3 -c "import subprocess as s; x = s; x.run(['rm', '-rf', '/'])"`,
    `python3 -c "import os as o; getattr(o, 'system')('rm -rf ~')"`,
    `python3 -c "import sys; sys.modules['os'].system('id')"`,
    `python3 -c "import sys; sys.modules.get('os').system('id')"`,
    `python3 -c "import os; ｏｓ.system('id')"`,
    `python3 -c "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'x']"`,
    `python3 -c "print.__self__.open('/etc/passwd', 'w')"`,
    `node -e "import('child_process').then((m) => m.execSync('rm -rf ~'))"`,
    `node -e "[].constructor.constructor('return process')().mainModule.require('child_process').execSync('id')"`,
    `node -e "const r = require; r('child_process').execSync('rm -rf ~')"`,
    `node -e "module.require('child_process').execSync('rm -rf ~')"`,
    `node -e "process.mainModule.require('child_process').execSync('rm -rf ~')"`,
    `node -e "globalThis.require('child_process').execSync('rm -rf ~')"`,
    `node -e "require('child_process')['execSync']('rm -rf ~')"`,
    `node -e "(0, require)('child_process').execSync('rm -rf ~')"`,
    `node -e "require.call(null, 'child_process').execSync('rm -rf ~')"`,
    `node -e "const m = [require('child_process')][0]; m.execSync('rm -rf ~')"`,
    `node -e "let m; m = require('child_process'); m.execSync('rm -rf ~')"`,
    `node -e "const cp = require('child_process'); const f = cp.execSync; f('rm -rf ~')"`,
    `node -e "require('child_process').execSync.call(null, 'rm -rf ~')"`,
    `node -e "const { execSync } = require('child_process'); [execSync][0]('rm -rf ~')"`,
    `node -e '\\u0065val("1")'`,
    `python3 -c "from pathlib import Path; Path('/root/.bashrc').write_text('x')"`,
    `python3 -c "import pathlib; pathlib.Path('.git/hooks/pre-commit').write_text('x')"`,
    `python3 -c "from pathlib import Path as P; P('/root/.bashrc').open('w').write('x')"`,
    `python3 -c "from pathlib import Path; print(Path('/root/.ssh/id_rsa').read_text())"`,
    `python3 -c "type(lambda: 0)(compile('1', '', 'eval'), {})"`,
  ];
  for (const command of refused)
    it(command, () => {
      expect(engine.check(command).decision).not.toBe('allow');
    });

  const allowed = [
    `python3 -c "import os; print(os.getcwd())"`,
    `python3 -c "import numpy as np; print(np.__version__)"`,
    `python3 -c "from sympy import Symbol; print(Symbol.__mro__)"`,
    `python3 -c "import sys; print('numpy' in sys.modules)"`,
    `python3 -c "from pathlib import Path; print(Path('README.md').read_text()[:100])"`,
    `python3 -c "import re; print(re.compile('a').match('a'))"`,
    `node -e "const p = require('path'); console.log(p.join('a', 'b'), require.resolve('vitest'))"`,
    `node -e "const fs = require('fs'); console.log(fs.readFileSync('package.json', 'utf8'))"`,
    `node -e "const fs = require('fs'); console.log(['a', 'b'].filter(fs.existsSync), fs.constants.R_OK)"`,
  ];
  for (const command of allowed)
    it(command, () => {
      const d = engine.check(command);
      expect(d.decision, d.reason).toBe('allow');
    });
});

describe('Python the grammar rejects runs nothing the reader would refuse only when it names nothing', () => {
  // CPython compiles the whole text first: code it rejects runs nothing. The grammar may lag
  // CPython, so only code with no word, dunder or path-making text the reader acts on is allowed.
  const allowed = [
    // a compound statement after `;` (streams 20 and 22), a literal `\n` between statements
    `python -c "from marshmallow import fields, Schema; class MySchema(Schema): times = fields.List(fields.DateTime()); s = MySchema()"`,
    `python -c "from marshmallow import Schema, fields;\\nclass Bar(Schema):\\n    value = fields.String()\\nprint(Bar().validate({'value': 1}))"`,
    // Python 2's print statement
    `python -c "import mypkg; print mypkg.VERSION"`,
  ];
  for (const command of allowed)
    it(command, () => {
      const d = engine.check(command);
      expect(d.decision, d.reason).toBe('allow');
    });

  const refused = [
    `python3 -c "import os;\\nos.system('id')"`,
    `python3 -c "from subprocess import run; class X: pass; run(['id'])"`,
    `python3 -c "import sh; class X: pass; sh.rm('-rf', 'x')"`,
    `python3 -c "import plumbum; class X: pass"`,
    `python3 -c "import tarfile; class X: pass"`,
    `python3 -c "x = ().__class__; class X: pass"`,
    `python3 -c "x = getattr(print, 'y'); class X: pass"`,
    `python3 -c "execfile('a.py'); class X: pass"`,
    `python3 -c "import linecache; linecache.getline('/etc/shadow', 1); class X: pass"`,
    `python3 -c "import linecache; linecache.getline('\\x2fetc\\x2fshadow', 1); class X: pass"`,
    `python3 -c "import linecache; linecache.getline('%cetc%cshadow' % (47, 47), 1); class X: pass"`,
    `python3 -c "import linecache; linecache.getline('{0:c}etc'.format(47), 1); class X: pass"`,
    `python3 -c "import readline; readline.write_history_file('~/.bashrc'); class X: pass"`,
    // JavaScript reaches any function through a computed member, with no word for it
    `node -e "const x = ; [][ 'con' + 'structor' ]"`,
    // IPython's own syntax is what the grammar rejects: a shell escape, a magic, autocall
    `ipython -c "!rm -rf src"`,
    `ipython -c "%sx rm -rf src"`,
    `ipython3 -c ";exit now"`,
  ];
  for (const command of refused)
    it(command, () => {
      expect(engine.check(command).decision).not.toBe('allow');
    });

  it('no snippet refused as written is allowed once broken (a `; class X:` or a literal `\\n` after it)', () => {
    // one snippet a line, each reaching a module, call, dunder or path the reader acts on, or not
    const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
    const snippets = readFileSync('test/fixtures/policy/unparsed-snippets.txt', 'utf8')
      .split('\n')
      .filter(Boolean);
    expect(snippets.length).toBeGreaterThan(100);
    const holes: string[] = [];
    let refused = 0;
    for (const s of snippets) {
      if (engine.check(`python3 -c ${q(s)}`).decision === 'allow') continue;
      refused++;
      for (const broken of [`${s}; class X: pass`, `${s}\\nprint(2)`])
        if (engine.check(`python3 -c ${q(broken)}`).decision === 'allow') holes.push(broken);
    }
    expect(refused).toBeGreaterThan(60);
    expect(holes).toEqual([]);
  });

  it('long code: a statement the lexer cannot follow is read the same way', () => {
    const body = Array.from({ length: 80 }, (_, i) => `print('line ${i}')`).join('\\n');
    expect(engine.check(`python3 -c "import mypkg; ${body}; class X: pass; x = (1"`).decision).toBe('allow');
    expect(engine.check(`python3 -c "import os; ${body}; class X: pass; x = (1"`).decision).not.toBe('allow');
  });
});

describe('getattr of a loop variable over literal names is each of those names', () => {
  // stream 25: the collections shim agents write for old code on Python 3.10+ (107 commands)
  const allowed = [
    `python3 -c "import collections, collections.abc\nfor attr in ['Mapping', 'Callable']:\n    if not hasattr(collections, attr):\n        setattr(collections, attr, getattr(collections.abc, attr))\nprint(1)"`,
    `python3 -c "import collections.abc\nprint([getattr(collections.abc, a) for a in ('Mapping', 'Sequence')])"`,
  ];
  for (const command of allowed)
    it(command, () => {
      const d = engine.check(command);
      expect(d.decision, d.reason).toBe('allow');
    });
  const refused = [
    // a name the literal getattr refuses, or a module that runs things
    `python3 -c "import os\nfor a in ['getcwd']:\n    getattr(os, a)()"`,
    `python3 -c "import mymod\nfor a in ['Mapping', 'system']:\n    getattr(mymod, a)('id')"`,
    `python3 -c "import mymod\nfor a in ['__globals__']:\n    getattr(mymod.f, a)"`,
    `python3 -c "import mymod\nfor a in ['write_text']:\n    getattr(mymod.p, a)('x')"`,
    // the name bound some other way too, or the list not all literal
    `python3 -c "import mymod\nfor a in ['Mapping']:\n    pass\na = 'system'\ngetattr(mymod, a)('id')"`,
    `python3 -c "import mymod\nfor a in ['Mapping']:\n    pass\nfor a in ['system']:\n    pass\ngetattr(mymod, a)('id')"`,
    `python3 -c "import mymod\nfor a in ['Mapping']:\n    f = lambda: getattr(mymod, a)\n(a := 'system')\nf()('id')"`,
    `python3 -c "import mymod\nfrom mymod import *\nfor a in ['Mapping']:\n    getattr(mymod, a)"`,
    `python3 -c "import mymod\nfor a in ['Mapping', x]:\n    getattr(mymod, a)"`,
    `python3 -c "import mymod\ndef g(a='system'):\n    return getattr(mymod, a)\nfor a in ['Mapping']:\n    g()('id')"`,
    `python3 -c "import mymod\nfor a in ['Mapping']:\n    pass\nexec(\\"a = 'system'\\")\ngetattr(mymod, a)('id')"`,
    `python3 -c "import mymod\nfor a in ['Mapping']:\n    getattr(mymod, a)\nimport x as a"`,
    `python3 -c "import mymod\nfor a in ['Mapping']:\n    getattr(mymod, a)\nclass a: pass"`,
  ];
  for (const command of refused)
    it(command, () => {
      expect(engine.check(command).decision).not.toBe('allow');
    });
});

describe("urllib3's values that neither connect nor read files", () => {
  it('parse_url, Retry, Timeout, disable_warnings pass; pools and requests ask', () => {
    for (const c of [
      `python3 -c "from urllib3.util import parse_url; print(parse_url('http://u:p@proxy:8080'))"`,
      `python3 -c "from urllib3.util.retry import Retry; print(Retry(total=3))"`,
      `python3 -c "import urllib3; urllib3.disable_warnings(); print(urllib3.util.Timeout(connect=1))"`,
    ])
      expect(engine.check(c).decision, c).toBe('allow');
    for (const c of [
      `python3 -c "import urllib3; urllib3.PoolManager().request('GET', 'http://x.example')"`,
      `python3 -c "from urllib3.connectionpool import HTTPConnectionPool; HTTPConnectionPool('x.example').urlopen('GET', '/')"`,
    ])
      expect(engine.check(c).decision, c).not.toBe('allow');
  });
});

describe('many snippets in one command', () => {
  // A finite (if generous) limit, so the decision counts the code it hands to tree-sitter; the
  // decisions asserted here do not depend on time.
  let counted: PolicyEngine;
  beforeAll(async () => {
    counted = await PolicyEngine.create({ budgetMs: 1e9, unattended: true });
  });
  const snippet = (code: string) => `python3 -c "${code}${'print(1); '.repeat(190)}"`;

  it('fifty 1,900-character snippets that only print or run a workspace command are allowed', () => {
    const command = Array.from({ length: 50 }, (_, i) =>
      snippet(i % 2 ? "import os; os.system('ls'); " : ''),
    ).join('; ');
    expect(command.length).toBeGreaterThan(90_000);
    const d = counted.check(command);
    expect(d.decision, d.reason).toBe('allow');
  });

  it('one dangerous call among them is still found', () => {
    const command = [
      ...Array.from({ length: 40 }, () => snippet('')),
      snippet("import os; os.system('rm -rf ~'); "),
    ].join('; ');
    expect(counted.check(command).decision).toBe('deny');
  });
});

describe('paths built from known parts are the paths they name', () => {
  // The variable reads (`env-read HOME`) are effects of their own, checked elsewhere.
  const py = (code: string) => pythonEffects(parsers.python, code).filter((e) => e.kind !== 'env-read');
  const js = (code: string) =>
    javascriptEffects(parsers.javascript, code).filter((e) => e.kind !== 'env-read');

  it('Python: expanduser, os.path.join, the home variables, pathlib joins and methods, f-strings', () => {
    expect(py(`import os\nopen(os.path.expanduser('~/.netrc')).read()`)).toEqual([
      { kind: 'read', path: '~/.netrc' },
    ]);
    expect(py(`import os.path as p\nopen(p.join('tests', 'data', 'x.json'))`)).toEqual([
      { kind: 'read', path: 'tests/data/x.json' },
    ]);
    // os.path.join starts again at an absolute part
    expect(py(`import os\nopen(os.path.join('a', '/etc', 'passwd'), 'w')`)).toEqual([
      { kind: 'write', path: '/etc/passwd' },
    ]);
    expect(py(`import os\nopen(os.environ['HOME'] + '/.npmrc')`)).toEqual([
      { kind: 'read', path: '~/.npmrc' },
    ]);
    expect(py(`from pathlib import Path\n(Path.home() / '.ssh' / 'id_rsa').read_text()`)).toEqual([
      { kind: 'read', path: '~/.ssh/id_rsa' },
    ]);
    expect(py(`from pathlib import Path\np = Path.home().joinpath('.bashrc')\np.write_text('x')`)).toEqual([
      { kind: 'write', path: '~/.bashrc', text: 'x' },
    ]);
    expect(py(`import os\nh = os.getenv('HOME')\nopen(f'{h}/.pypirc')`)).toEqual([
      { kind: 'read', path: '~/.pypirc' },
    ]);
    expect(py(`import os\nos.system(f'echo {{x}} ' + 'y')`)).toEqual([{ kind: 'shell', text: 'echo {x} y' }]);
  });

  it('Python: a part only known when it runs leaves the path unknown, as before', () => {
    // reading a computed path is judged at its source; writing one asks
    expect(py(`import os, sys\nopen(os.path.join(sys.argv[1], 'x')).read()`)).toEqual([]);
    expect(py(`import os\nopen(os.path.join(os.getenv('OUT'), 'x'), 'w')`)).toEqual([
      { kind: 'unknown', what: '`open` for writing a path only known when it runs' },
    ]);
    expect(py(`import os\nos.system(f'{os.getenv("CMD")!r}')`)[0]!.kind).toBe('unknown');
    // a string's own `replace` is not a file rename
    expect(py(`print('a~b'.replace('~', '/etc'))`)).toEqual([]);
  });

  it('JavaScript: os.homedir(), process.env.HOME, path.join, templates, names bound once; fs reads', () => {
    expect(js(`const fs = require('fs'); fs.readFileSync(require('os').homedir() + '/.npmrc')`)).toEqual([
      { kind: 'read', path: '~/.npmrc' },
    ]);
    expect(
      js(
        `const path = require('path'), os = require('os');\nconst f = path.join(os.homedir(), '.docker', 'config.json');\nrequire('fs').readFile(f, () => {})`,
      ),
    ).toEqual([{ kind: 'read', path: '~/.docker/config.json' }]);
    expect(js('require("fs").writeFileSync(`${process.env.HOME}/.bashrc`, "x")')).toEqual([
      { kind: 'write', path: '~/.bashrc', text: 'x' },
    ]);
    expect(js(`require('fs').promises.readFile(process.cwd() + '/package.json')`)).toEqual([
      { kind: 'read', path: './package.json' },
    ]);
    // rebound: only known when it runs
    expect(js(`let p = 'a'; p = process.argv[2]; require('fs').writeFileSync(p, 'x')`)[0]!.kind).toBe(
      'unknown',
    );
  });
});

describe("deno eval and bun -e: TypeScript read with the runtime's own API (helper inline, probe 14)", () => {
  const js = (code: string) => javascriptEffects(parsers.typescript ?? parsers.javascript, code);
  it('spawns are the argv they run, Bun Shell the line it is, file calls reads and writes', () => {
    expect(js(`new Deno.Command('git', { args: ['status'] }).outputSync()`)).toEqual([
      { kind: 'argv', argv: ['git', 'status'] },
    ]);
    expect(js(`Bun.spawn({ cmd: ['ls', 'src'], cwd: 'pkg' })`)).toEqual([
      { kind: 'argv', argv: ['ls', 'src'], cwd: 'pkg' },
    ]);
    expect(js('import { $ } from "bun"; await $`rm -rf dist`')).toEqual([
      { kind: 'shell', text: 'rm -rf dist' },
    ]);
    expect(js(`await Bun.write(Bun.file('/root/.profile'), 'x')`)).toContainEqual({
      kind: 'write',
      path: '/root/.profile',
    });
    expect(js(`await Deno.remove('/root', { recursive: true })`)).toEqual([
      { kind: 'argv', argv: ['rm', '-rf', '--', '/root'] },
    ]);
    expect(js(`Deno.env.get('HOME')`)).toEqual([{ kind: 'env-read', name: 'HOME' }]);
  });
  it('what it cannot follow is unknown: options that change what runs, substitutions, other calls, the globals passed on', () => {
    for (const code of [
      `Bun.spawn(['ls'], { env: { LD_PRELOAD: '/tmp/x.so' } })`,
      'const d = "/root"; await Bun.$`rm -rf ${d}`',
      'import { $ } from "bun"; await $.cwd("/root")`rm -rf .`',
      `Deno.openKv()`,
      `const e = Deno.env; e.toObject()`,
      `const b = [Deno][0]; b.remove('/root')`,
    ])
      expect(
        js(code).some((e) => e.kind === 'unknown'),
        code,
      ).toBe(true);
  });
  it('is decided by the engine: the workspace allowed, the rest as the shell commands they are', () => {
    expect(
      engine.check(`deno eval "console.log(JSON.parse(await Deno.readTextFile('deno.json')).tasks)"`)
        .decision,
    ).toBe('allow');
    expect(engine.check(`bun -e "await Bun.write('dist/version.txt', Bun.version)"`).decision).toBe('allow');
    expect(engine.check("bun -e 'await Bun.$`rm -rf ~`'").decision).toBe('deny');
    expect(engine.check(`deno eval --v8-flags=--x "console.log(1)"`).decision).toBe('deny');
    // a module named by its path runs that file
    expect(engine.check(`node -e "require('/root/evil.js')"`).decision).toBe('deny');
  });
});

describe('an unpickler of a file it can name runs that file, decided as `python FILE` (helper loaders, streams 10 and 14)', () => {
  const py = (code: string) => pythonEffects(parsers.python, code).filter((e) => e.kind !== 'env-read');
  it('a path, `open(path)` or a file object bound once to one is the file; anything else is unknown', () => {
    expect(
      py(`import pickle\nwith open('simple_mnist/data.pkl', 'rb') as f:\n    data = pickle.load(f)`),
    ).toEqual([
      { kind: 'read', path: 'simple_mnist/data.pkl' },
      { kind: 'argv', argv: ['python', 'simple_mnist/data.pkl'] },
    ]);
    expect(py(`import pickle\nf = open('data.pkl', 'rb')\nd = pickle.load(f)`)).toContainEqual({
      kind: 'argv',
      argv: ['python', 'data.pkl'],
    });
    // pickle.load takes a file object only; yaml's loaders and the `loads` take the data itself
    for (const code of [
      `import pickle\npickle.load('a.pkl')`,
      `import dill\ndill.loads(b'cos\\nsystem\\n')`,
      `import yaml\nyaml.unsafe_load('!!python/object/apply:os.system [x]')`,
    ])
      expect(
        py(code).map((e) => e.kind),
        code,
      ).toEqual(['unknown']);
  });
  it('workspace data is allowed, as `python data.pkl` is', () => {
    for (const command of [
      `python3 -c "import pickle; data = pickle.load(open('model.pth', 'rb')); print(type(data))"`,
      `python3 -c "\nimport pickle\nwith open('simple_mnist/data.pkl', 'rb') as f:\n    data = pickle.load(f)\nprint(data)\n"`,
      `python3 -c "\nimport pickle\nf = open('data.pkl', 'rb')\ndata = pickle.load(f)\n"`,
      `python3 -c "\nfrom pickle import load\nwith open(file='a.pkl', mode='rb') as f:\n    data = load(file=f)\n"`,
      `python3 -c "import torch; m = torch.load('model.pt', weights_only=False); print(m)"`,
      `python3 -c "\nimport torch\nwith open('m.pt', 'rb') as f:\n    m = torch.load(f, weights_only=False)\n"`,
      `python3 -c "import joblib; m = joblib.load('model.joblib'); print(m)"`,
      `python3 -c "import numpy as np; a = np.load('a.npy', allow_pickle=True); print(a.shape)"`,
      `python3 -c "import yaml; print(yaml.unsafe_load(open('conf.yaml')))"`,
      // the innermost `with` binding the name, where nothing in its body rebinds it
      `python3 -c "\nimport pickle\nwith open('/etc/x.pkl', 'rb') as f:\n    pass\nwith open('a.pkl', 'rb') as f:\n    data = pickle.load(f)\nwith open('out.json', 'w') as f:\n    f.write('x')\n"`,
      // a round trip of the code's own object runs only the code of its class
      `python3 -c "import pickle; x = [1, 2]; print(pickle.loads(pickle.dumps(x)) == x)"`,
    ])
      expect(engine.check(command).decision, command).toBe('allow');
  });
  it('data from elsewhere, only known when it runs, or written by the code itself is refused', () => {
    for (const command of [
      `python3 -c "import pickle; data = pickle.load(open('/etc/x.pkl', 'rb'))"`,
      `python3 -c "\nimport pickle as pk\nwith open('/root/a.pkl', 'rb') as f:\n    data = pk.load(f)\n"`,
      `python3 -c "import pickle, os; data = pickle.load(open(os.path.expanduser('~/x.pkl'), 'rb'))"`,
      `python3 -c "import pickle; data = pickle.load(open('/proc/self/fd/0', 'rb'))"`,
      `python3 -c "import joblib; m = joblib.load('/root/model.joblib')"`,
      // a computed path
      `python3 -c "import pickle, sys; data = pickle.load(open(sys.argv[1], 'rb'))"`,
      `python3 -c "\nimport pickle\nfor p in ['a.pkl', '/etc/x.pkl']:\n    with open(p, 'rb') as f:\n        data = pickle.load(f)\n"`,
      `python3 -c "\nimport pickle\np = 'a.pkl'\nfor i in range(2):\n    with open(p, 'rb') as f:\n        data = pickle.load(f)\n    p = '/etc/x.pkl'\n"`,
      // a file object bound twice
      `python3 -c "\nimport pickle\nf = open('data.pkl', 'rb')\nf = open('/etc/x.pkl', 'rb')\ndata = pickle.load(f)\n"`,
      `python3 -c "\nimport pickle\nwith open('a.pkl', 'rb') as f:\n    pass\nwith open('/etc/x.pkl', 'rb') as f:\n    data = pickle.load(f)\n"`,
      `python3 -c "\nimport pickle\nwith open('a.pkl', 'rb') as f:\n    f = open('/etc/x.pkl', 'rb')\n    data = pickle.load(f)\n"`,
      `python3 -c "\nimport pickle\ndef g():\n    global f\n    f = open('/etc/x.pkl', 'rb')\nwith open('a.pkl', 'rb') as f:\n    g()\n    data = pickle.load(f)\nwith open('b.pkl', 'rb') as f:\n    pass\n"`,
      `python3 -c "\nimport pickle\nwith open('a.pkl', 'rb') as f:\n    for f in [open('/etc/x.pkl', 'rb')]:\n        data = pickle.load(f)\nwith open('b.pkl', 'rb') as f:\n    pass\n"`,
      `python3 -c "\nimport pickle\nwith open('a.pkl', 'rb') as f:\n    h = lambda: pickle.load(f)\nf = open('/etc/x.pkl', 'rb')\nh()\n"`,
      // an `open` of the code's own
      `python3 -c "\nimport pickle, sys\ndef open(p, m):\n    return sys.stdin.buffer\nwith open('a.pkl', 'rb') as f:\n    data = pickle.load(f)\n"`,
      // bytes from elsewhere
      `python3 -c "import pickle, sys; data = pickle.load(sys.stdin.buffer)"`,
      `python3 -c "import pickle, io; data = pickle.load(io.BytesIO(b'cos'))"`,
      `python3 -c "import pickle, urllib.request; data = pickle.loads(urllib.request.urlopen('http://x/y').read())"`,
      `python3 -c "\nimport pickle, zipfile\nwith zipfile.ZipFile('model.pth') as z:\n    with z.open('simple_mnist/data.pkl') as f:\n        data = pickle.load(f)\n"`,
      `python3 -c "import dill; dill.loads(b'cos\\nsystem\\n(S\\'id\\'\\ntR.')"`,
      `python3 -c "import yaml; yaml.unsafe_load('!!python/object/apply:os.system [id]')"`,
      // bytes the code writes itself are not Python to read as a script
      `python3 -c "import torch; open('m.pt', 'wb').write(b'cos'); torch.load('m.pt', weights_only=False)"`,
      `python3 -c "\nimport pickle\nwith open('m.pkl', 'w+b') as f:\n    f.write(b'cos')\n    f.seek(0)\n    data = pickle.load(f)\n"`,
    ])
      expect(engine.check(command).decision, command).toBe('deny');
  });
});
