import { clip, type Stdin, type Walk } from './walk.js';
import type { Arg } from './types.js';
import { leadingOptions, readProblem, type ProgramSpec } from './programs.js';

/**
 * gdb's and lldb's command lines (programs.yaml: their specs' `debugger_commands`, and options of
 * effect `debugger`: `gdb -ex CMD`, `lldb -o CMD`). Each debugger command is decided as what it
 * does: a listed phrase (the longest that starts the command, word by word) with its effect, any
 * other asks. `shell CMD`/`!CMD` and the shell half of `pipe CMD | SHELL` are command lines of
 * their own; `run ARGS` runs the debugged program with ARGS through the shell (gdb's and lldb's
 * `startup-with-shell`), decided as `PROG ARGS`; `set logging file F` writes F; `source F` runs
 * F's commands (outside the workspace asks); `thread apply all CMD` is CMD; a `print`/`call`
 * expression that calls a function (`call system("id")`, `$_shell("id")`) runs code and asks.
 * The program itself (`gdb ./prog`, `gdb --args PROG ARGS`, `lldb -- PROG ARGS`) is decided as
 * the command it is; a second operand that is a number (`gdb ./prog 1234`) attaches to that
 * process and asks, as `-p` does.
 */
export interface DebuggerRunners {
  /** Decides words as a command (`PROG ARGS`). */
  argv: (args: Arg[], what: string) => void;
  /** Decides text as a shell command line. */
  text: (text: string, what: string) => void;
}

/** An identifier called in an expression: a function of the program or a convenience function. */
const CALL = /[$A-Za-z_][\w$]*\s*\(/g;
const NOT_CALLS = new Set(['sizeof', 'alignof', '_Alignof', 'typeof', '__typeof__', 'decltype']);

/** Words `thread apply` / `frame apply` take before the command: ids, ranges, `all`, flags. */
const APPLY_WORDS = /^(?:(?:-\S+|all|level|\d[\d.-]*|\*)\s+)*/;

export function walkDebugger(
  walk: Walk,
  name: string,
  spec: ProgramSpec,
  args: Arg[],
  stdin: Stdin,
  run: DebuggerRunners,
): void {
  const table = spec.debuggerCommands;
  if (!table) return;
  const ask = (text: string, reason: string): void => {
    walk.parts.push({
      kind: 'structure',
      text: clip(text),
      decision: 'ask',
      rule: `program:${name}`,
      reason,
    });
  };
  const operands: Arg[] = [];
  let programArgs: Arg[] | null = null;
  const commands: Arg[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.dynamic && a.text === '--') {
      programArgs = args.slice(i + 1);
      break;
    }
    if (a.dynamic || !a.text.startsWith('-') || a.text === '-') {
      operands.push(a);
      continue;
    }
    // (a run of options read with the spec: `-q -batch -ex CMD`, lldb's `-bo CMD`)
    const { options, end } = leadingOptions(spec, args.slice(i));
    if (end === 0) {
      operands.push(a);
      continue;
    }
    for (const o of options) {
      if (o.effect === 'debugger' && o.value) commands.push(o.value);
      // (gdb's `-c NUMBER`/`--core=NUMBER` attaches to that process, as `-p` does)
      if ((o.name === '-c' || o.name === '--core') && o.value && /^\d+$/.test(o.value.text))
        ask(
          a.text,
          `\`${name} ${o.name} ${o.value.text}\` attaches to the running process ${o.value.text}, whose memory holds its secrets; debug a program you start`,
        );
    }
    // `gdb --args PROG ARGS`, `lldb -- PROG ARGS`: the program and its arguments
    const last = args[i + end - 1]!;
    if (options.some((o) => o.effect === 'end') || (!last.dynamic && last.text === '--')) {
      programArgs = args.slice(i + end);
      break;
    }
    i += end - 1;
  }
  const program = programArgs ? programArgs[0] : operands[0];
  const programWords = programArgs ?? (operands[0] ? [operands[0]] : []);
  if (!programArgs && operands[1] && !operands[1].dynamic && /^\d+$/.test(operands[1].text))
    ask(
      operands[1].text,
      `\`${name} PROGRAM ${operands[1].text}\` attaches to the running process ${operands[1].text}, whose memory holds its secrets; debug a program you start`,
    );
  // The program it debugs runs when told to (`run`, a command file, commands on standard input).
  if (programWords.length > 0) run.argv(programWords, name);

  const decide = (text: string, depth: number): void => {
    const t = text.trim();
    if (t === '') return;
    if (depth > 8) return ask(t, `\`${name}\`: debugger commands nested too deep to read`);
    let phrase: string | null = null;
    let rest = '';
    const bang = /^([!|])([\s\S]*)$/.exec(t);
    if (bang) {
      phrase = table.has(bang[1]!) ? bang[1]! : null;
      rest = bang[2]!;
    } else {
      const words = t.split(/\s+/);
      // (`x/16xb ADDR`, `p/x EXPR`: a format after the command's name)
      const head = [words[0]!.replace(/\/.*$/, ''), ...words.slice(1)];
      for (let k = Math.min(head.length, 5); k >= 1 && phrase === null; k--) {
        const p = head.slice(0, k).join(' ');
        if (table.has(p)) {
          phrase = p;
          rest = t.replace(new RegExp(`^(?:\\S+\\s*){${k}}`), '');
        }
      }
    }
    const effect = phrase === null ? undefined : table.get(phrase);
    const shown = `\`${name}\` command \`${clip(t, 50)}\``;
    switch (effect) {
      case 'flag':
        return;
      case 'expression': {
        // (lldb's `breakpoint set -C CMD` runs CMD when the breakpoint is hit)
        if (/(?:^|\s)(?:-C|--command)(?:\s|=|$)/.test(rest))
          return ask(
            t,
            `${shown} runs debugger commands when the breakpoint is hit; give them as their own commands`,
          );
        for (const m of rest.matchAll(CALL)) {
          const fn = m[0].replace(/\s*\($/, '');
          if (!NOT_CALLS.has(fn))
            return ask(
              t,
              `${shown} calls \`${fn}\`, code run in the debugged process (or gdb's \`$_shell\`); print values without calling functions`,
            );
        }
        return;
      }
      case 'run':
        if (program) {
          // (the program's name as a plain word: a quoted name is no command name the walker reads)
          if (program.dynamic || !/^[\w./+@%,:=-]+$/.test(program.text))
            return ask(
              t,
              `${shown} runs \`${clip(program.text, 40)}\`, a program named in a way this policy does not read as a command`,
            );
          run.text(`${program.text} ${rest}`, `${name} ${phrase}`);
        }
        return;
      case 'shell':
        if (rest.trim() === '') return ask(t, `${shown} starts an interactive shell`);
        return run.text(rest, `${name} ${phrase}`);
      case 'pipe': {
        const bar = rest.indexOf('|');
        if (/^\s*-d\b/.test(rest) || bar < 0 || rest.slice(bar + 1).trim() === '')
          return ask(t, `${shown} pipes debugger output into a shell command this policy does not read`);
        decide(rest.slice(0, bar), depth + 1);
        return run.text(rest.slice(bar + 1), `${name} ${phrase}`);
      }
      case 'write':
      case 'recipe': {
        const word = /^\s*(\S+)/.exec(rest)?.[1];
        if (!word) return;
        const path: Arg = { text: word.replace(/^(['"])(.*)\1$/, '$2'), dynamic: false, glob: false };
        if (effect === 'write') {
          walk.parts.push({ kind: 'file', text: path.text, access: 'write', path, cwd: walk.cwd });
          return;
        }
        const problem = readProblem(path.text, walk.cwd, walk.ws);
        if (problem)
          ask(
            t,
            `${shown} runs the debugger commands (shell commands, Python) of ${problem}; use a command file in the workspace`,
          );
        return;
      }
      case 'prefix':
        return decide(rest.replace(APPLY_WORDS, ''), depth + 1);
      case 'ask':
        return ask(
          t,
          `${shown} runs code (Python, a script, shell commands), attaches to another process, reaches another host or changes how the program is started; this needs approval`,
        );
      default:
        return ask(
          t,
          `${shown} is not a debugger command this policy knows to be safe (backtraces, breakpoints, printing, stepping, \`run\` are); leave it out or approve it`,
        );
    }
  };
  for (const c of commands) {
    if (c.dynamic) ask(c.text, `\`${name}\` runs a debugger command only known when it runs`);
    else decide(c.text, 0);
  }
  // Commands on standard input: a here-document's lines are read as the commands they are.
  if (stdin.kind === 'text') {
    if (stdin.dynamic)
      ask(name, `\`${name}\` reads debugger commands from standard input only known when it runs`);
    else for (const line of stdin.text.split('\n')) decide(line, 0);
  } else if (stdin.kind === 'pipe')
    ask(
      name,
      `\`${name}\` reads debugger commands from a pipe this policy does not read; give them with ${name === 'gdb' ? '-ex' : '-o'}`,
    );
  else if (stdin.kind === 'file' && stdin.path) {
    const problem = stdin.path.dynamic
      ? 'a file named only when it runs'
      : stdin.path.text === '/dev/null'
        ? null
        : readProblem(stdin.path.text, walk.cwd, walk.ws);
    if (problem) ask(name, `\`${name}\` reads debugger commands from ${problem}`);
  }
}
