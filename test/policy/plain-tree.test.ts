import type { Node } from 'web-tree-sitter';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeParsers } from '../../src/policy/inline.js';
import { PlainNode } from '../../src/policy/plain-tree.js';
import { loadCodeParsers } from '../../src/policy/shell.js';

/**
 * The inline reader reads code through PlainNode (a copy of the tree-sitter tree in plain
 * objects, for speed). Differential: every node's type, text, fields, named and missing flags,
 * and the root's error flag, as web-tree-sitter's Node API gives them.
 */
let parsers: Omit<CodeParsers, 'programs'>;
beforeAll(async () => {
  parsers = await loadCodeParsers();
});

/** Where the copy differs from the tree, as `path key: node / plain` lines. */
function differences(a: Node, b: PlainNode, path = ''): string[] {
  const out: string[] = [];
  const check = (key: string, va: unknown, vb: unknown) => {
    if (va !== vb) out.push(`${path} ${key}: ${JSON.stringify(va)} / ${JSON.stringify(vb)}`);
  };
  check('type', a.type, b.type);
  check('text', a.text, b.text);
  check('startIndex', a.startIndex, b.startIndex);
  check('isNamed', a.isNamed, b.isNamed);
  check('isMissing', a.isMissing, b.isMissing);
  if (path === '') check('hasError', a.hasError, b.hasError);
  check('children', a.childCount, b.children.length);
  check('namedChildren', a.namedChildCount, b.namedChildCount);
  for (let i = 0; i < Math.min(a.childCount, b.children.length); i++) {
    check(`field ${i}`, a.fieldNameForChild(i), b.fields[i]);
    check(`parent of ${i}`, b.children[i]!.parent, b);
    out.push(...differences(a.child(i)!, b.children[i]!, `${path}/${i}`));
  }
  for (const name of ['function', 'arguments', 'name', 'body', 'left', 'right', 'object', 'attribute'])
    check(`field ${name}`, a.childForFieldName(name)?.startIndex, b.childForFieldName(name)?.startIndex);
  return out;
}

const python = [
  "import os, subprocess\nsubprocess.run(['git', 'status'], check=True)\nos.remove('a.txt')",
  "from pathlib import Path as P\nP.home().joinpath('.ssh', 'id_rsa').read_text()",
  "print(f'{x!r:>10} {y=}')\nclass A(B, metaclass=M):\n    def f(self, *a, k=1, **kw):\n        return lambda q: q[1:2, ...]",
  'print("héllo → 😀"); import os; os.system("rm -rf ~")',
  // Not Python: errors, a missing token, and an error only in a hidden node.
  "import os\nos.system('ls')\nprint(1 +)",
  'x = [1, 2\nprint(x)',
  "from django.db import models; class C(models.TextChoices): A='a'; print(str(C.A))",
];
const javascript = [
  "const fs = require('fs'); fs.writeFileSync('out.txt', 'x'); const { execSync: run } = require('child_process'); run(`ls ${d}`);",
  "import('node:os').then((os) => console.log(os.homedir() + '/.npmrc')); label: for (const k in o) break label;",
  'const re = /a[/]b/g; x = a ? b : c?.d ?? e; `t${1}`; function f(', // unterminated
];

describe('PlainNode: the tree-sitter tree as plain objects', () => {
  for (const [lang, snippets] of [
    ['python', python],
    ['javascript', javascript],
  ] as const)
    for (const code of snippets)
      it(`${lang}: ${JSON.stringify(code).slice(0, 60)}`, () => {
        const tree = parsers[lang].parse(code)!;
        try {
          const plain = PlainNode.of(tree, code, 100_000, () => false)!;
          expect(differences(tree.rootNode, plain)).toEqual([]);
          expect(plain.descendantsOfType('identifier').map((n) => n.startIndex)).toEqual(
            tree.rootNode.descendantsOfType('identifier').map((n) => n!.startIndex),
          );
        } finally {
          tree.delete();
        }
      });

  it('the comparison sees a different tree, and a copy stops at its node limit or when told', () => {
    const a = parsers.python.parse(python[0]!)!;
    const b = parsers.python.parse(python[1]!)!;
    try {
      expect(
        differences(
          a.rootNode,
          PlainNode.of(b, python[1]!, 100_000, () => false)!,
        ).length,
      ).toBeGreaterThan(0);
      expect(PlainNode.of(a, python[0]!, 5, () => false)).toBeNull();
      const big = Array.from({ length: 400 }, (_, i) => `x${i} = f(${i})`).join('\n');
      const t = parsers.python.parse(big)!;
      expect(PlainNode.of(t, big, 100_000, () => true)).toBeNull();
      expect(PlainNode.of(t, big, 100_000, () => false)).not.toBeNull();
      t.delete();
    } finally {
      a.delete();
      b.delete();
    }
  });
});
