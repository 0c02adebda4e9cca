/**
 * Adversarial long inputs, one family per rule kind, each up to the 100,000-character
 * limit: what a backtracking regex or a quadratic walk would choke on. Used by
 * `npm run bench:policy` (timings) and test/policy/long-inputs.test.ts (decisions).
 */
export interface LongInput {
  kind: string;
  command: string;
  /**
   * The decision it must get: long text must never turn a refusal into an allow.
   * Some everyday shapes at this length are refused on purpose (fail closed): a 12,000-link && chain
   * past the walker's stack, globs still longer than 4,096 characters once their wildcard stretches are shortened, and regex targets longer than that.
   */
  expect: 'allow' | 'refuse';
  /** One command part (the rule-kind families); the others are many parts and only benchmarked. */
  single?: boolean;
  /** Inline code in the command: the bench also times the inline reader on it alone. */
  inline?: { lang: 'python' | 'javascript'; code: string };
}

const inline = (
  kind: string,
  lang: 'python' | 'javascript',
  code: string,
  expect: 'allow' | 'refuse',
): LongInput => ({
  kind,
  command: lang === 'python' ? `python3 - <<'EOF'\n${code}\nEOF` : `node -e '${code.replace(/'/g, "'\\''")}'`,
  expect,
  inline: { lang, code },
});

/** Length the families are built to (99,000; the bench also builds them shorter, `longInputs(n)`). */
let N = 99_000;
const fill = (unit: string, total = N) => unit.repeat(Math.max(1, Math.floor(total / unit.length)));
/** Words `word(0)`, `word(1)`, … joined by blanks, as many as fit in `total` characters. */
const upTo = (word: (i: number) => string, total = N) => {
  const out: string[] = [];
  let len = 0;
  for (let i = 0; ; i++) {
    const w = word(i);
    if (len + w.length + 1 > total) break;
    out.push(w);
    len += w.length + 1;
  }
  return out.join(' ');
};

/** The suite, each family built to about `n` characters (default 99,000: the issue's limit). */
export function longInputs(n = 99_000): LongInput[] {
  N = n;
  return [
    {
      kind: 'sed program (s command)',
      command: `sed -i 's/${fill('\\/', N / 2 - 20)}/x/g' src/a.py`,
      expect: 'allow',
      single: true,
    },
    {
      kind: 'sed program (unterminated)',
      command: `sed -i 's/${fill('\\/', N - 30)}' src/a.py`,
      expect: 'refuse',
      single: true,
    },
    {
      kind: 'sed program (many commands)',
      command: `sed -n '${fill('1p;')}' a.txt`,
      expect: 'allow',
      single: true,
    },
    {
      kind: 'sed program ending in e',
      command: `sed '${fill('1p;', N - 20)}1e id' a.txt`,
      expect: 'refuse',
      single: true,
    },
    {
      kind: 'arg_regex: git -c key',
      command: `git -c ${fill('a.')}pager=id log`,
      expect: 'refuse',
      single: true,
    },
    { kind: 'arg_regex: chmod mode', command: `chmod ${fill('u')}+s f`, expect: 'refuse', single: true },
    {
      kind: 'arg_regex: chmod commas',
      command: `chmod ${fill('u+x,')}u+s f`,
      expect: 'refuse',
      single: true,
    },
    {
      kind: 'arg_regex: kill zeros',
      command: `kill -9 -${fill('0', N - 20)}1`,
      expect: 'refuse',
      single: true,
    },
    {
      kind: 'arg_regex: awk program (longer than a rule regex sees)',
      command: `awk '${fill('{print $1} ')}' a.txt`,
      expect: 'refuse',
      single: true,
    },
    {
      kind: 'path glob: deep relative path',
      command: `cat ${fill('a/')}x.py`,
      expect: 'allow',
      single: true,
    },
    {
      kind: 'path glob: deep path to a secret',
      command: `cat ${fill('a/')}.env`,
      expect: 'refuse',
      single: true,
    },
    {
      kind: 'path glob: /proc wildcards',
      command: `cat /proc/${fill('*/')}environ`,
      expect: 'refuse',
      single: true,
    },
    {
      // Spells no two letters of a protected name in a row, as `cat *a` does not: it names no more
      // than `cat *` (glob.ts shortenLongGlob reads it as `*a` at any length).
      kind: 'path glob: many stars spelling no protected name',
      command: `cat ${fill('*a')}`,
      expect: 'allow',
      single: true,
    },
    {
      kind: 'path glob: many stars after a protected name',
      command: `cat id_rs${fill('*a')}`,
      expect: 'refuse',
      single: true,
    },
    {
      kind: 'file rule: long redirect target',
      command: `echo x > ${fill('b/')}out.txt`,
      expect: 'allow',
      single: true,
    },
    {
      kind: 'file rule: long redirect outside',
      command: `echo x > /etc/${fill('c/')}x`,
      expect: 'refuse',
      single: true,
    },
    {
      kind: 'variable rule: long name',
      command: `${fill('A', N - 20)}_TOKEN=1 make`,
      expect: 'allow',
      single: true,
    },
    {
      kind: 'variable rule: long secret read',
      command: `echo $${fill('X', N - 20)}_PASSWORD`,
      expect: 'refuse',
      single: true,
    },
    {
      kind: 'variable rule: long value',
      command: `PYTHONPATH=${fill('src:')} pytest`,
      expect: 'allow',
      single: true,
    },
    // `line_regex` runs on the whole line up to 65,536 characters (past that it may match: the
    // asks hold); `filter_regex` on each word of the grep the output goes into.
    {
      kind: 'line_regex: the debugger by environment, the host after a long run of blanks',
      command: `FLASK_DEBUG=1 flask run --host${' '.repeat(Math.min(N, 60_000) - 40)}0.0.0.0`,
      expect: 'refuse',
      single: true,
    },
    {
      kind: 'line_regex: the debugger variable set many times, the last one on',
      command: `${fill('FLASK_DEBUG=0 ', Math.min(N, 60_000) - 50)}FLASK_DEBUG=1 flask run --host 0.0.0.0`,
      expect: 'refuse',
      single: true,
    },
    {
      kind: 'line_regex: many --host words, all loopback',
      command: `flask run ${fill('--host 127.0.0.1 ', Math.min(N, 60_000) - 20)}`,
      expect: 'allow',
      single: true,
    },
    {
      kind: 'line_regex: past the length it reads, the ask holds',
      command: `FLASK_RUN_HOST=0.0.0.0 FLASK_DEBUG=1 flask run ${fill('-p 5000 ')}`,
      expect: 'refuse',
      single: true,
    },
    {
      kind: 'filter_regex: the environment into grep of a long alternation',
      command: `env | grep -E "${upTo((i) => `PYTHON${i}`, N - 20).replace(/ /g, '|')}"`,
      expect: 'allow',
      single: true,
    },
    {
      kind: 'filter_regex: the same alternation ending in a secret name',
      command: `env | grep -E "${upTo((i) => `PYTHON${i}`, N - 30).replace(/ /g, '|')}|TOKEN"`,
      expect: 'refuse',
      single: true,
    },
    {
      kind: 'host rule: long URL',
      command: `curl http://localhost/${fill('a')}`,
      expect: 'allow',
      single: true,
    },
    {
      kind: 'host rule: long host',
      command: `curl http://${fill('a.')}evil.example/`,
      expect: 'refuse',
      single: true,
    },
    {
      kind: 'program spec: long option cluster',
      command: `grep -${fill('n', N - 20)} x a.txt`,
      expect: 'allow',
      single: true,
    },
    {
      kind: 'program spec: long unknown option',
      command: `sort --${fill('z', N - 20)} a.txt`,
      expect: 'refuse',
      single: true,
    },
    { kind: 'program spec: many operands', command: `wc -l ${fill('a.py ')}`, expect: 'allow' },
    {
      kind: 'program spec: many distinct operands',
      command: `wc -l ${Array.from({ length: 9_000 }, (_, i) => `s/${i}.py`).join(' ')}`,
      expect: 'allow',
    },
    {
      kind: 'wrapper: find -exec after a long expression',
      command: `find . ${fill('-name a -o ', N - 40)}-exec rm -rf / \\;`,
      expect: 'refuse',
      single: true,
    },
    {
      kind: 'network: curl --resolve with a long host',
      command: `curl --resolve ${fill('a', N - 60)}:443:10.0.0.1 https://localhost/`,
      expect: 'refuse',
      single: true,
    },
    {
      kind: 'dynamic args: git log with 4,000 $x',
      command: `git log ${'$x '.repeat(4000)}`,
      expect: 'allow',
    },
    {
      kind: 'dynamic args: curl with 4,000 $x',
      command: `curl ${'$x '.repeat(4000)}`,
      expect: 'refuse',
    },
    {
      kind: 'target outside: cp to a deep path outside',
      command: `cp a.py /etc/${fill('d/', N - 30)}x`,
      expect: 'refuse',
      single: true,
    },
    {
      kind: 'archive: tar x naming a long member',
      command: `tar xf a.tar ${fill('d/', N - 30)}x`,
      expect: 'refuse',
      single: true,
    },
    {
      kind: 'inline python: long code',
      command: `python3 -c "${fill('print(1); ')}"`,
      expect: 'allow',
      inline: { lang: 'python', code: fill('print(1); ') },
    },
    {
      kind: 'inline python: long code ending in os.system',
      command: `python3 -c "import os; ${fill('x=1; ', N - 60)}os.system('rm -rf ~')"`,
      expect: 'refuse',
      inline: { lang: 'python', code: `import os; ${fill('x=1; ', N - 60)}os.system('rm -rf ~')` },
    },
    {
      kind: 'inline node: long code',
      command: `node -e "${fill('console.log(1); ')}"`,
      expect: 'allow',
      inline: { lang: 'javascript', code: fill('console.log(1); ') },
    },
    {
      kind: 'here-document into python',
      command: `python3 - <<'EOF'\n${fill('print(1)\n', N - 40)}EOF`,
      expect: 'allow',
      inline: { lang: 'python', code: fill('print(1)\n', N - 40) },
    },
    inline(
      'inline python: an aliased module at the end',
      'python',
      `import os as o\n${fill('y = 2\n', N - 60)}o.system('rm -rf ~')`,
      'refuse',
    ),
    inline(
      'inline python: strings, f-strings, comments',
      'python',
      fill(`s = f"{a!r:>{w}} 'q'" + '''x"y''' # c'\n`, N - 40),
      'allow',
    ),
    inline(
      // (code CPython rejects runs nothing: refused because it names `os`, see `unparsed` in inline.ts)
      'inline python: an unterminated string',
      'python',
      `import os\n${fill('print(1)\n', N - 60)}x = 'abc`,
      'refuse',
    ),
    inline(
      'inline python: nested brackets',
      'python',
      `x = ${'('.repeat(N / 2 - 10)}1${')'.repeat(N / 2 - 10)}`,
      'allow',
    ),
    inline(
      'inline python: the same name bound many times',
      'python',
      // bound to a path outside each time: refused read whole (the extract keeps every binding of
      // the name the call uses) and when too long to read (`p = "a"`, a workspace file, was allowed
      // once the reader read 8,000 characters, rightly, against this input's expectation)
      `import os\n${fill('p = "/etc/x"\n', N - 60)}os.remove(p)`,
      'refuse',
    ),
    inline(
      'inline node: a required module bound to a name',
      'javascript',
      `const cp = require("child_process");${fill('let y = 2;', N - 80)}cp.execSync("rm -rf ~");`,
      'refuse',
    ),
    {
      kind: 'inline python: fifty snippets in one command',
      command: Array.from(
        { length: 50 },
        (_, i) => `python3 -c "${i % 2 ? "import os; os.system('ls'); " : ''}${'print(1); '.repeat(190)}"`,
      ).join('; '),
      expect: 'allow',
    },
    inline(
      'inline node: templates and regular expressions',
      'javascript',
      fill('t = `a${b}c` + /[;"]/.source;', N - 40),
      'allow',
    ),
    { kind: 'shell: long && chain', command: fill('true && ', N - 20) + 'true', expect: 'refuse' },
    {
      kind: 'shell: chain ending in rm -rf /',
      command: fill('true && ', N - 30) + 'rm -rf /',
      expect: 'refuse',
    },
    { kind: 'shell: long pipeline', command: `cat a.txt${fill(' | sort')}`, expect: 'allow' },
    { kind: 'shell: long double-quoted string', command: `echo "${fill('$x ')}"`, expect: 'allow' },
    { kind: 'shell: long single-quoted string', command: `echo '${fill("a\\'b")}'`, expect: 'refuse' },
    { kind: 'shell: long brace expansion', command: `echo ${fill('{a,b}')}`, expect: 'refuse' },
    {
      kind: 'shell: nested substitutions',
      command: `echo ${fill('$(', 300)}x${fill(')', 300)}`,
      expect: 'refuse',
    },
    { kind: 'shell: many cd', command: `${fill('cd src; ')}ls`, expect: 'refuse' },
    // Held out: the classes above with other programs and operand shapes, added after those
    // were made fast (so what is measured is the class, not the instances tuned for).
    {
      kind: 'held out: cat of 8,000 distinct deep paths',
      command: `cat ${upTo((i) => `src/pkg${i % 97}/m${i}.py`, N - 10)}`,
      expect: 'allow',
    },
    {
      kind: 'held out: grep over 9,000 files, then a secret',
      command: `grep -n TODO ${upTo((i) => `lib/f${i}.c`, N - 40)} ~/.aws/credentials`,
      expect: 'refuse',
    },
    {
      kind: 'held out: rm of 8,000 objects, then a path outside',
      command: `rm -f ${upTo((i) => `build/o${i}.o`, N - 20)} /etc/x`,
      expect: 'refuse',
    },
    {
      kind: 'held out: cp of 10,000 files to a directory outside',
      command: `cp ${upTo((i) => `a${i}.txt`, N - 20)} /etc/`,
      expect: 'refuse',
    },
    {
      kind: 'held out: ls with flags and operands alternating',
      command: `ls ${fill('-l a -a b ', N - 10)}`,
      expect: 'allow',
    },
    {
      kind: 'held out: find with a long alternation, then -delete',
      command: `find src ${fill("-name '*.pyc' -o ", N - 30)}-name x -delete`,
      expect: 'allow',
    },
    {
      kind: 'held out: find -execdir sh after a long expression',
      command: `find . -type f ${fill('-newer a -o ', N - 40)}-execdir sh -c 'rm -rf ~' \\;`,
      expect: 'refuse',
    },
    {
      kind: 'held out: pipeline of two alternating stages',
      command: `cat a.txt${fill(' | sort | uniq', N - 10)}`,
      expect: 'allow',
    },
    {
      kind: 'held out: long pipeline into sh',
      command: `cat a.txt${fill(' | grep -v x', N - 20)} | sh`,
      expect: 'refuse',
    },
    {
      kind: 'held out: cd into 11,000 distinct directories',
      command: `${upTo((i) => `cd d${i};`, N - 10)} ls`,
      expect: 'refuse',
    },
    {
      kind: 'held out: cd .. and back, then rm',
      command: `${fill('cd ..; cd src; ', N - 10)}rm -rf x`,
      expect: 'refuse',
    },
    { kind: 'held out: 9,000 distinct statements', command: upTo((i) => `touch f${i};`, N), expect: 'allow' },
    {
      kind: 'held out: inline python with dicts, strings and comments',
      command: `python3 - <<'EOF'\n${fill(`d = {'k': "v", "q": f'{x!s:{w}}'}  # '"\n`, N - 40)}EOF`,
      expect: 'allow',
      inline: { lang: 'python', code: fill(`d = {'k': "v", "q": f'{x!s:{w}}'}  # '"\n`, N - 40) },
    },
    // Held out (second set): shapes of many distinct parts other than the ones above, written
    // after the budget checks were made dense and the matching loops cheaper (issue 14's
    // last acceptance item is measured on classes, not on the instances tuned for).
    {
      kind: 'held out 2: 9,000 distinct env assignments before make',
      command: `${upTo((i) => `V${i}=${i}`, N - 10)} make`,
      expect: 'allow',
    },
    {
      kind: 'held out 2: 7,000 distinct redirections, then /etc',
      command: `echo x ${upTo((i) => `>o${i}.txt`, N - 20)} >/etc/x`,
      expect: 'refuse',
    },
    {
      kind: 'held out 2: && chain of 900 distinct commands',
      command: Array.from({ length: 900 }, (_, i) => `test -f f${i}`).join(' && '),
      expect: 'allow',
    },
    {
      kind: 'held out 2: ls of 6,000 distinct globs',
      command: `ls ${upTo((i) => `src/m${i}_*.py`, N - 10)}`,
      expect: 'allow',
    },
    {
      kind: 'held out 2: an array of 12,000 distinct words',
      command: `a=(${upTo((i) => `w${i}`, N - 10)}); echo "\${a[0]}"`,
      expect: 'allow',
    },
    {
      kind: 'held out 2: case with 5,000 distinct branches',
      command: `case "$x" in ${upTo((i) => `a${i}) echo ${i};;`, N - 20)} esac`,
      expect: 'allow',
    },
    {
      kind: 'held out 2: here-document of 9,000 distinct lines into bash',
      command: `bash <<'EOF'\n${Array.from({ length: 9_000 }, (_, i) => `echo ${i}`).join('\n')}\nEOF`,
      expect: 'allow',
    },
    {
      kind: 'held out 2: sed with 5,000 distinct -e scripts',
      command: `sed ${upTo((i) => `-e s/a${i}/b/`, N - 10)} a.txt`,
      expect: 'allow',
    },
    {
      kind: 'held out 2: git add of 8,000 distinct files, then a secret',
      command: `git add ${upTo((i) => `src/f${i}.py`, N - 20)} ~/.ssh/id_rsa`,
      expect: 'refuse',
    },
    {
      kind: 'held out 2: export of 8,000 distinct variables',
      command: `export ${upTo((i) => `E${i}=v`, N - 10)}`,
      expect: 'allow',
    },
    // Held out (third set, 2 Dec, helper `policy`): shapes written when the decision thread gave
    // the limit a wall-clock bound (offload.ts), not used to tune anything: they show the bound
    // on inputs the code was not shaped by.
    {
      kind: 'held out 3: nested substitutions, 2,000 statements',
      command: upTo((i) => `echo "$(basename "$(dirname "$(realpath d${i})")")";`, N),
      expect: 'allow',
    },
    {
      kind: 'held out 3: nested substitutions, then one into sh',
      command: `${upTo((i) => `x${i}=$(echo "$(cat f${i})");`, N - 40)} $(echo "$(cat s.sh)" | sh)`,
      expect: 'refuse',
    },
    {
      kind: 'held out 3: python here-document of 6,000 distinct lines, os.system at the end',
      command: `python3 - <<'EOF'\n${upTo((i) => `v${i} = compute(${i}, "k${i}")\n`, N - 60)}\nimport os\nos.system("rm -rf ~")\nEOF`,
      expect: 'refuse',
    },
    {
      kind: 'held out 3: python here-document of 6,000 distinct prints',
      command: `python3 - <<'EOF'\n${upTo((i) => `print("row ${i}", ${i} * 2)\n`, N - 30)}EOF`,
      expect: 'allow',
    },
    {
      kind: 'held out 3: awk program of 7,000 distinct statements, system() at the end',
      command: `awk '{ ${upTo((i) => `s${i} += $${(i % 9) + 1};`, N - 60)} system("rm -rf ~") }' data.txt`,
      expect: 'refuse',
    },
    {
      kind: 'held out 3: sed script of 5,000 distinct substitutions, then w /etc/passwd',
      command: `sed -e '${upTo((i) => `s/k${i}/v${i}/g;`, N - 40)} w /etc/passwd' a.txt`,
      expect: 'refuse',
    },
    {
      kind: 'held out 3: one 99,000-character file name',
      command: `cat ${fill('abcdefgh', N - 10)}.txt`,
      expect: 'allow',
    },
    {
      kind: 'held out 3: one 99,000-character command name',
      command: fill('abcdefgh', N),
      expect: 'refuse',
    },
    {
      kind: 'held out 3: 9,000 distinct grep stages',
      command: `cat a.txt ${upTo((i) => `| grep -v p${i}`, N - 20)}`,
      expect: 'allow',
    },
    {
      kind: 'held out 3: 9,000 distinct grep stages, then bash',
      command: `cat a.txt ${upTo((i) => `| grep -v p${i}`, N - 20)} | bash`,
      expect: 'refuse',
    },
    {
      kind: 'held out 3: brace expansion of 10,000 distinct words, then ~/.aws',
      command: `cat {${upTo((i) => `f${i}`, N - 40).replace(/ /g, ',')}} ~/.aws/credentials`,
      expect: 'refuse',
    },
    {
      kind: 'held out 3: double-quoted string of 9,000 distinct variables',
      command: `echo "${upTo((i) => `$v${i}`, N - 10)}"`,
      expect: 'allow',
    },
    {
      // A function defined in the line is not followed into when called: short, `f() { ls; }; f` asks too.
      kind: 'held out 3: function of 7,000 distinct statements, called',
      command: `f() { ${upTo((i) => `mkdir -p out/d${i};`, N - 20)} }; f`,
      expect: 'refuse',
    },
    { kind: 'at the limit', command: `echo ${fill('a', 99_990)}`, expect: 'allow', single: true },
    { kind: 'over the limit', command: `echo ${fill('a', 100_010)}`, expect: 'refuse', single: true },
  ];
}
