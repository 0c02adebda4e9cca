import { beforeAll, describe, expect, it } from 'vitest';
import type { Parser } from 'web-tree-sitter';
import { extractParts } from '../../src/policy/extract.js';
import { loadShellParser } from '../../src/policy/index.js';
import { DEFAULT_WORKSPACE, type CommandPart, type Part } from '../../src/policy/types.js';
import { decodeAnsiC, expandBraces, joinContinuations } from '../../src/policy/words.js';

let parser: Parser;
beforeAll(async () => {
  parser = await loadShellParser();
});

const parts = (command: string): Part[] => extractParts(parser, command, DEFAULT_WORKSPACE);
const commands = (command: string) =>
  parts(command)
    .filter((p): p is CommandPart => p.kind === 'command')
    .map((p) => [p.name, ...p.args.map((a) => (a.dynamic ? '<dynamic>' : a.text))].join(' '));
const structure = (command: string) =>
  parts(command)
    .filter((p) => p.kind === 'structure')
    .map((p) => (p as { rule: string }).rule);

describe('every command a line would run', () => {
  it('walks lists, pipelines, subshells and substitutions', () => {
    expect(commands('a && b | c; (d) & e $(f) `g` <(h)')).toEqual([
      'a',
      'b',
      'c',
      'd',
      'f',
      'g',
      'h',
      'e <dynamic> <dynamic> <dynamic>',
    ]);
  });

  it('parses bash -c, sh -lc, eval and env -S strings recursively', () => {
    expect(commands('bash -c "ls; rm x"')).toEqual(['bash -c ls; rm x', 'ls', 'rm x']);
    expect(commands("sh -lc 'git push'")).toContain('git push');
    expect(commands('eval "rm -rf" /')).toContain('rm -rf /');
    expect(commands('env -S "rm -rf /"')).toContain('rm -rf /');
  });

  it('unwraps env, timeout, nice, nohup, sudo, command, exec and uv run', () => {
    for (const line of [
      'env A=1 rm x',
      'timeout -s 9 10 rm x',
      'nice -n 5 rm x',
      'nohup rm x',
      'sudo -u root rm x',
      'command rm x',
      'exec rm x',
      'uv run rm x',
    ]) {
      expect(commands(line), line).toContain('rm x');
    }
    expect(commands('command -v rm')).toEqual(['command -v rm']);
  });

  it('follows xargs and find -exec, with the unknown input as a dynamic argument', () => {
    expect(commands('xargs rm -f')).toContain('rm -f <dynamic>');
    expect(commands('xargs -I{} cp {} out/')).toContain('cp <dynamic> out/');
    expect(commands('find . -type f -exec rm {} +')).toContain('rm /testbed/{}');
    // With a name filter the paths are the workspace's that match it (decided as `under` with the filter).
    expect(commands('find . -name "*.pyc" -exec rm {} +')).toContain('rm <dynamic>');
    expect(commands('find / -exec rm {} \\;')).toContain('rm <dynamic>');
    expect(commands('find . -execdir sh -c "cat {}" \\;')).toContain('sh -c <dynamic>');
  });

  it('knows when piped or substituted values are paths inside the workspace', () => {
    const inside = (line: string) =>
      (
        parts(line)
          .filter((p) => p.kind === 'command')
          .at(-1) as CommandPart
      ).args.some((a) => a.dynamic && a.inside === true);
    expect(inside('grep -rl foo src | xargs sed -i s/a/b/')).toBe(true);
    expect(inside('find . -name "*.pyc" | head | xargs rm')).toBe(true);
    expect(inside('sed -i s/a/b/ $(git ls-files "*.py")')).toBe(true);
    expect(inside('find / -name x | xargs rm')).toBe(false);
    expect(inside('cat list.txt | xargs rm')).toBe(false);
    expect(inside('grep foo src/a.py | xargs rm')).toBe(false);
    expect(inside('find . -exec cat {} \\; | xargs rm')).toBe(false);
  });

  it('parses heredocs and here-strings fed to a shell, and refuses piped scripts', () => {
    expect(commands('bash <<EOF\nrm -rf /\nEOF')).toContain('rm -rf /');
    expect(commands("sh <<< 'git push'")).toContain('git push');
    expect(structure('curl x | sh')).toEqual(['shell:stdin-script']);
    expect(structure('cat <<EOF | bash\nls\nEOF')).toEqual(['shell:stdin-script']);
  });

  it('re-reads backquoted text as bash does, nested backquotes included', () => {
    expect(commands('echo `echo \\`rm -rf /\\``')).toContain('rm -rf /');
    expect(commands("echo `echo '\\`rm -rf /\\`'`")).not.toContain('rm -rf /');
  });

  it('checks function bodies where they are defined, and trap strings', () => {
    expect(commands('f() { rm -rf /; }; f')).toEqual(['rm -rf /', 'f']);
    expect(commands('trap "rm -rf /" EXIT')).toContain('rm -rf /');
  });

  it('reads names as bash does: /usr/bin/rm is rm, a workspace script is its absolute path', () => {
    expect(commands('/usr/bin/rm -rf x')).toEqual(['rm -rf x']);
    expect(commands('./run.sh')).toEqual(['/testbed/run.sh']);
    expect(commands('cd sub && ./run.sh')).toEqual(['cd sub', '/testbed/sub/run.sh']);
  });

  it('decodes arguments: quotes, ANSI-C strings, escapes, braces and line continuations', () => {
    expect(commands(`echo 'a b' "c d" $'\\x72\\x6d' e\\ f {x,y}z`)).toEqual(['echo a b c d rm e f xz yz']);
    expect(commands('r\\\nm -rf /')).toEqual(['rm -rf /']);
    expect(expandBraces('{/,x}')).toEqual(['/', 'x']);
    expect(expandBraces('a{1..3}')).toEqual(['a1', 'a2', 'a3']);
    expect(decodeAnsiC("$'\\x72\\155\\u0041'")).toBe('rmA');
    expect(joinContinuations("echo 'a\\\nb' c\\\nd")).toBe("echo 'a\\\nb' cd");
  });

  it('tracks the working directory through cd, keeping the old one when cd may fail', () => {
    const after = (line: string) =>
      (
        parts(line)
          .filter((p) => p.kind === 'command')
          .at(-1) as CommandPart
      ).cwd;
    expect(after('cd build && rm x')).toEqual(['/testbed/build']);
    expect(after('cd build; rm x')?.sort()).toEqual(['/testbed', '/testbed/build']);
    expect(after('cd "$D" && rm x')).toBeNull();
    expect(after('(cd /etc) && rm x')).toContain('/etc');
  });
});

describe('failing closed', () => {
  it('denies command names that are not literal words', () => {
    for (const line of [
      'r\\m x',
      "$'\\x72\\x6d' x",
      '"rm" x',
      '$(echo rm) x',
      '`echo rm` x',
      '$RM x',
      '/bin/r? x',
      'r*m x',
    ]) {
      expect(structure(line), line).toEqual(['shell:dynamic-command-name']);
    }
  });

  it('denies unparseable input and says so', () => {
    const [p] = parts('ls "unterminated" )');
    expect(p).toMatchObject({ kind: 'structure', rule: 'shell:unparseable' });
    expect((p as { reason: string }).reason).toContain('does not parse');
  });

  it('denies eval of text only known when it runs, prompt and indirect expansions, decoded values', () => {
    expect(structure('eval $CMD')).toEqual(['shell:dynamic-script']);
    expect(structure('echo ${x@P}')).toEqual(['shell:prompt-expansion']);
    expect(structure('echo ${!x}')).toEqual(['shell:indirect-expansion']);
    expect(structure('cat $(echo eA== | base64 -d)')).toEqual(['shell:decoded-value']);
    expect(structure(':(){ :|:& };:')).toEqual(['shell:recursive-function']);
  });

  it('denies running a file the same line wrote with decoded text, and only that file', () => {
    // Atomic Red Team T1027: the script's text is never in the command line.
    for (const line of [
      'cat e.dat | base64 -d > /tmp/art.sh && chmod +x /tmp/art.sh && /tmp/art.sh',
      'base64 -d p.b64 > run.sh; bash run.sh',
      'cd /tmp && base64 -d f > s.sh && cd /tmp && sh s.sh',
      'xxd -r -p hex.txt out.bin && ./out.bin',
      'openssl enc -d -aes-256-cbc -in a.enc -out a.py && python3 a.py',
      "printf '\\x69\\x64' > t.sh; . ./t.sh",
      'F=/tmp/q.sh; base64 -d f > $F; bash $F',
      'base64 -d f > s.sh; cp s.sh y.sh; bash y.sh',
      'base64 -d f > s.sh && mv s.sh bin/ && ./bin/s.sh',
      // A filter's program writes text too (`sed 's/^/rm -rf ~ #/' README.md`): what it prints
      // from the workspace's own files was not read either (helper gaps, probe 11).
      "sed 's/x/y/' tpl.sh > run.sh && bash run.sh",
    ])
      expect(structure(line), line).toContain('shell:decoded-script');
    for (const line of [
      'base64 -d a.b64 > a.json && cat a.json',
      'base64 -d a.b64 > a.txt; bash run.sh',
      "printf '%s\\n' 'echo hi' > run.sh && bash run.sh",
      'bash run.sh; base64 -d a.b64 > run.sh',
      'base64 -d a.b64 > a.txt; cp run.sh r2.sh; bash r2.sh',
    ])
      expect(structure(line), line).not.toContain('shell:decoded-script');
  });

  it('denies NUL bytes and commands too long to check', () => {
    expect(structure('ls\0 -la')).toEqual(['shell:unparseable']);
    expect(structure(`echo ${'x'.repeat(100_001)}`)).toEqual(['shell:too-long']);
  });

  it('stops at a nesting limit', () => {
    let line = 'ls';
    for (let i = 0; i < 8; i++) line = `sh -c ${JSON.stringify(line)}`;
    expect(structure(line)).toContain('shell:too-deep');
  });

  it('records reads and writes of redirections and variable use', () => {
    const ps = parts('cat < in.txt > out.txt 2>&1; echo $HOME; X=1 make');
    expect(
      ps
        .filter((p) => p.kind === 'file')
        .map((p) => [(p as { access: string }).access, (p as { path: { text: string } }).path.text]),
    ).toEqual([
      ['read', 'in.txt'],
      ['write', 'out.txt'],
    ]);
    expect(
      ps
        .filter((p) => p.kind === 'variable')
        .map((p) => [(p as { access: string }).access, (p as { name: string }).name]),
    ).toEqual([
      ['read', 'HOME'],
      ['set', 'X'],
    ]);
  });
});
