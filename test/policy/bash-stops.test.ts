import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyEngine, type PolicyDecision } from '../../src/policy/index.js';

/**
 * Text bash stops on, and names bash can only report as "command not found" (extract.ts:
 * beforeOpenQuote, notAProgram). drydock runs every command as a fresh `bash -c "$cmd"`
 * (src/sandbox/update-exec.ts), which runs each complete top-level command list once it has
 * read the newline after it and stops at the first syntax error. Each case is also run by
 * bash itself with `rm -rf ~` replaced by `echo RAN`: a line the policy allows must not run it.
 */
/**
 * Decides on content, without the time limit: these cases are about what bash runs, and the
 * limit has its own test below (under a loaded machine a cold tree-sitter parse of a short
 * line went over it, and a case about content failed on a `shell:budget` cut).
 */
let onContent: PolicyEngine;
beforeAll(async () => {
  onContent = await PolicyEngine.create({ unattended: true, offloadFrom: Infinity, budgetMs: Infinity });
});
const outcome = (d: PolicyDecision) => `${d.decision}/${d.rule}`;

/** What bash prints when `rm -rf ~` is `echo RAN` (and writes to /etc go to a scratch file). */
function bashRuns(command: string): boolean {
  const probe = command.replaceAll('rm -rf ~', 'echo RAN');
  const r = spawnSync('bash', ['-c', probe], { encoding: 'utf8', cwd: '/tmp', timeout: 10_000 });
  return r.stdout.includes('RAN');
}

// [command, decision/rule, does bash run `rm -rf ~` in it]
const OPEN_QUOTES: Array<[string, string, boolean]> = [
  // The dangerous command before the bad line runs, so it is decided.
  ["rm -rf ~\nLet's go", 'deny/delete-outside-workspace', true],
  ["echo ok\nrm -rf ~\nI'll check", 'deny/delete-outside-workspace', true],
  // Text after a quote never closed is never run.
  ["Let's go\nrm -rf ~", 'allow/shell:stops-at-open-quote', false],
  ["echo a\nLet's rm -rf ~", 'allow/shell:stops-at-open-quote', false],
  ['echo "a\nrm -rf ~\n', 'allow/shell:stops-at-open-quote', false],
  // One command list: the line holding the open quote started earlier, or shares its line.
  ["echo 'a\nb' && rm -rf ~; Let's", 'allow/shell:stops-at-open-quote', false],
  ["rm -rf ~; echo 'abc", 'allow/shell:stops-at-open-quote', false],
  ["rm -rf ~ &&\nLet's", 'allow/shell:stops-at-open-quote', false],
  // A quote that closes later: bash runs what follows, so it is decided.
  ["echo 'it is\nfine'\nrm -rf ~\nLet's", 'deny/delete-outside-workspace', true],
  ["THOUGHT: I'll fix it, then I'll test\nrm -rf ~", 'deny/delete-outside-workspace', true],
  // Here-documents: an apostrophe in a body opens nothing; a body's commands before the quote run.
  ["cat <<EOF\nLet's\nEOF\nrm -rf ~", 'deny/delete-outside-workspace', true],
  ["cat <<EOF > /etc/x\nhi\nEOF\nLet's", 'deny/write-outside-workspace', false],
  ["cat <<'EOF'\nhi\nEOF\nLet's see\nrm -rf ~", 'allow/shell:stops-at-open-quote', false],
  // $'…': `\'` does not close it; a closed one lets what follows run. (With nothing after to
  // close it, tree-sitter-bash ends `$'it\'` at the escaped quote without an error, so it sees
  // `rm` as a command bash never runs: refused, the safe side of that disagreement.)
  ["echo $'it\\'s\nrm -rf ~", 'deny/delete-outside-workspace', false],
  ["echo $'it\\'s\nrm -rf ~\necho \"", 'allow/shell:stops-at-open-quote', false],
  ["echo $'it\\'s'\nrm -rf ~\nLet's", 'deny/delete-outside-workspace', true],
  // Backquotes.
  ['echo `ls\nrm -rf ~', 'allow/shell:stops-at-open-quote', false],
  ["echo `ls`\nrm -rf ~\nLet's", 'deny/delete-outside-workspace', true],
  // A comment's apostrophe is no quote (it parses cleanly anyway).
  ["# don't\nrm -rf ~", 'deny/delete-outside-workspace', true],
  ["ls # it's fine\nrm -rf ~", 'deny/delete-outside-workspace', true],
];

describe('text bash stops on: a quote never closed', () => {
  it.each(OPEN_QUOTES)('%j', (command, expected, runs) => {
    expect(outcome(onContent.check(command))).toBe(expected);
    expect(bashRuns(command)).toBe(runs);
  });

  it('says where bash stops', () => {
    const d = onContent.check("ls\nLet's go");
    expect(d.reason).toMatch(/single quote .* line 2 .*nothing from that line on runs/);
    expect(d.parts.map((p) => p.rule)).toEqual(['shell:stops-at-open-quote', 'read-and-search']);
  });

  it('everything else that does not parse stays refused', () => {
    // bash runs `rm -rf ~ '\'` (a backslash at the end is not a quote, nor an error): the
    // reader reads it so and denies the deletion itself.
    expect(outcome(onContent.check('rm -rf ~ \\'))).toBe('deny/delete-outside-workspace');
    for (const command of [
      // A syntax error that is not a quote.
      'ls "unterminated" )',
      "if true; then\necho 'a",
    ])
      expect(outcome(onContent.check(command)), command).toBe('deny/shell:unparseable');
  });

  it('two here-documents with one delimiter are read as bash reads them', () => {
    // bash gives the body to the first (`cat`), up to its delimiter, and reads the second to the
    // end of the input (empty here), with a warning: `python -` runs nothing (checked with bash
    // 5.2 on `echo RAN`: not printed). Both readers now read it so (stream 10's class).
    const d = onContent.check("cat <<'PY' > a.py && python - <<'PY'\nprint(1)\nPY");
    expect(outcome(d)).toBe('allow/shell:heredoc-at-end-of-input');
  });

  it('bash agrees on random quote soup: nothing the policy says bash never runs is run', () => {
    // Quotes, escapes, here-documents, comments and separators around `echo RAN`, with a fixed
    // seed: wherever the policy stops at an open quote, bash prints RAN only from parts decided.
    const toks = [
      "'",
      '"',
      '`',
      "$'",
      '\\',
      '\n',
      '; ',
      ' ',
      'a',
      '#',
      'echo RAN',
      "\\'",
      '$(',
      ')',
      '<<E\n',
      '\nE\n',
      '&& ',
    ];
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let stopped = 0;
    for (let i = 0; i < 160; i++) {
      let c = 'echo ';
      for (let k = 2 + rnd(10); k > 0; k--) c += toks[rnd(toks.length)];
      const d = onContent.check(c);
      if (d.rule !== 'shell:stops-at-open-quote') continue;
      stopped++;
      const r = spawnSync('bash', ['-c', c], { encoding: 'utf8', cwd: '/tmp', timeout: 10_000 });
      if (r.stdout.includes('RAN'))
        expect(
          d.parts.some((p) => p.part.includes('RAN')),
          c,
        ).toBe(true);
    }
    expect(stopped).toBeGreaterThan(20);
  });

  it('short text that goes to tree-sitter-bash is held to the CPU budget; short text the linear reader reads is not', async () => {
    // (tree-sitter's error recovery took 4–16 ms on 500 characters of shell garbage, where a short
    // command is otherwise decided with no budget: its cost is bounded by its length)
    const tight = await PolicyEngine.create({ unattended: true, offloadFrom: Infinity, budgetMs: 0.001 });
    try {
      expect(outcome(tight.check("echo ok\nLet's go"))).toBe('deny/shell:budget');
      expect(outcome(tight.check('cat README.md | grep -n x'))).toBe('allow/read-and-search');
      // Without a limit the same text is decided on content.
      expect(outcome(onContent.check("echo ok\nLet's go"))).toBe('allow/shell:stops-at-open-quote');
    } finally {
      tight.close();
    }
  });

  it('long text (the linear reader) follows the same rule', () => {
    const pad = `# ${'x'.repeat(2500)}\n`;
    expect(outcome(onContent.check(`${pad}ls\nLet's go\nrm -rf ~`))).toBe('allow/shell:stops-at-open-quote');
    expect(onContent.check(`${pad}rm -rf ~\nLet's go`).decision).toBe('deny');
  });
});

// [command, decision/rule]
const NOT_FOUND: Array<[string, string]> = [
  ['THOUGHT: I will run the tests now.', 'allow/shell:command-not-found'],
  ['DISCUSSION\nThe fix works now. Next I will submit.', 'allow/shell:command-not-found'],
  ['grep -n x -R tests || true}', 'allow/shell:command-not-found'],
  ['find. -name "*.py"', 'allow/shell:command-not-found'],
  ['cd..', 'allow/shell:command-not-found'],
  // Bash does a prose command's redirections, assignments and substitutions before the lookup.
  ['THOUGHT: x > /etc/passwd', 'deny/write-outside-workspace'],
  ['THOUGHT: run $(rm -rf ~)', 'deny/delete-outside-workspace'],
  ['Now `rm -rf ~`', 'deny/delete-outside-workspace'],
  ['A=$(rm -rf ~) DISCUSSION', 'deny/delete-outside-workspace'],
  ['THOUGHT: done\nrm -rf ~', 'deny/delete-outside-workspace'],
  // Debian programs of those shapes stay programs (no rule covers them: ask).
  ['GET http://example.com/', 'deny/default'],
  ['Xvfb :1', 'deny/default'],
  ['R --version', 'allow/build-and-test'],
  // A name the line defines is not prose; a path never is; `{a,b}` is brace expansion.
  ['DISCUSSION() { ls; }; DISCUSSION', 'deny/default'],
  ['function THOUGHT: { ls; }; THOUGHT: x', 'deny/default'],
  ['./THOUGHT: x', 'allow/workspace-programs'],
  ['Cat.', 'allow/shell:command-not-found'],
  // A name with a blank after quote removal, spelled with literal words and quotes only.
  ["DISCUSSION\nWe're still stuck. It's odd", 'allow/shell:command-not-found'],
  ["'rm -rf x' y", 'allow/shell:command-not-found'],
  ["We're $(rm -rf ~) here'", 'deny/shell:dynamic-command-name'],
  ["'rm' -rf ~", 'deny/shell:dynamic-command-name'],
  ["'./my script' x", 'deny/shell:dynamic-command-name'],
  ["'a b' > /etc/passwd", 'deny/write-outside-workspace'],
  ['"a $x"', 'deny/shell:dynamic-command-name'],
];

describe('names bash only reports as "command not found"', () => {
  it.each(NOT_FOUND)('%j', (command, expected) => {
    expect(outcome(onContent.check(command))).toBe(expected);
  });

  it('a line with the not-found hook, hash -p or an alias is not taken as prose', () => {
    for (const command of [
      'command_not_found_handle() { ls; }; DISCUSSION',
      'hash -p /bin/ls DISCUSSION; DISCUSSION',
      'shopt -s expand_aliases; alias DISCUSSION=ls; DISCUSSION',
    ])
      expect(onContent.check(command).rule, command).not.toBe('shell:command-not-found');
  });

  it('bash agrees: such a name is not found (exit 127)', () => {
    for (const name of ['THOUGHT:', 'DISCUSSION', 'true}', 'find.', 'The', "We're here. It'", "'rm -rf x'"]) {
      const r = spawnSync('bash', ['-c', `${name} x`], { encoding: 'utf8' });
      expect(r.status, name).toBe(127);
    }
  });
});

// [command, decision/rule, does bash run `rm -rf ~` in it]
const STRAY_CLOSERS: Array<[string, string, boolean]> = [
  // The end of Java or C source sent as a command: the lone `}` runs nothing.
  ['echo a\n}', 'allow/shell:stray-reserved-word', false],
  ['}', 'allow/shell:stray-reserved-word', false],
  ['echo a; }', 'allow/shell:stray-reserved-word', false],
  ['echo a\nfi', 'allow/shell:stray-reserved-word', false],
  ['echo a\ndone', 'allow/shell:stray-reserved-word', false],
  ['echo a\nesac', 'allow/shell:stray-reserved-word', false],
  // Before it, bash runs every complete line; after it, nothing, but it is decided all the same.
  ['rm -rf ~\n}', 'deny/delete-outside-workspace', true],
  ['}\nrm -rf ~', 'deny/delete-outside-workspace', false],
  ['echo a; }; rm -rf ~', 'deny/delete-outside-workspace', false],
  // A redirection on it is decided as a write all the same (bash never opens it).
  ['} > out.txt', 'allow/shell:stray-reserved-word', false],
  // Closing a group, or an argument: not this rule.
  ['{ echo a\n}', 'allow/read-and-search', false],
  ['echo }', 'allow/read-and-search', false],
];

describe('a reserved word that closes nothing', () => {
  it.each(STRAY_CLOSERS)('%j', (command, expected, runs) => {
    expect(outcome(onContent.check(command))).toBe(expected);
    expect(bashRuns(command)).toBe(runs);
  });

  it('still decides what else is on the line (not run by bash here)', () => {
    expect(outcome(onContent.check('} > /etc/x'))).toBe('deny/write-outside-workspace');
    expect(outcome(onContent.check('done 2> ~/.bashrc'))).toBe('deny/write-outside-workspace');
    // A closer with arguments is a program's name to no one: not this rule.
    expect(onContent.check('} x').rule).not.toBe('shell:stray-reserved-word');
  });

  it('bash agrees: a closer alone where a command starts is a syntax error (exit 2), never a program', () => {
    for (const word of ['}', 'fi', 'done', 'esac', 'then', 'else', 'elif', 'do']) {
      const r = spawnSync('bash', ['-c', `echo before\n${word}\necho after`], { encoding: 'utf8' });
      expect(r.status, word).toBe(2);
      expect(r.stdout, word).toBe('before\n');
      expect(r.stderr, word).toMatch(/syntax error near unexpected token/);
    }
  });
});
