/**
 * Whether a command leaves the runner's worker (runner-script.ts) exactly as a fresh
 * one would be, so the same process may take the slot's next call instead of a newly
 * forked one: a new process costs ~2 ms of CPU to fork and as much to tear down on the
 * machines drydock was measured on, more than the rest of a call.
 *
 * Only a command that cannot change the worker's shell state qualifies, judged from
 * its text, conservatively (anything not understood is "no"): simple commands joined by
 * `;`, `&&`, `||`, `|`, `|&`, each starting with an external program's name or path, or
 * with one of the builtins that change nothing the next call would see (`true false :
 * echo pwd test [`, and `cd`: every call starts with `cd` to its own directory, and a
 * kept worker goes back to `/` first, so PWD and OLDPWD are a fresh worker's). Refused:
 * every other builtin and keyword (assignments, `export`, `set`, `trap`, `exec`, `source`,
 * `eval`, functions, groups, `((`...), a first word that is quoted, escaped, expanded or a
 * glob, an assignment (`A=1 cmd`), background jobs (`&`), subshells and substitutions
 * (`(`, `$(`, backticks, `<(`), `${...}` other than `${NAME}`, here-documents, `{fd}>`
 * redirections, and newlines. Word expansions that only read (`$NAME`, `${NAME}`, `$1`,
 * `$?`, ...) and redirections of one command are allowed: bash restores its fds.
 *
 * Functions and aliases would defeat this (a name could then run in the worker's own
 * shell): the runner says at start whether it has any (imported from the environment or
 * BASH_ENV), and then no worker is reused (runner-client.ts).
 */

/** bash 5.2's builtins and keywords (`compgen -b -k`), as the first word of a command. */
const BASH_WORDS = new Set(
  (
    '. : [ alias bg bind break builtin caller cd command compgen complete compopt continue declare dirs ' +
    'disown echo enable eval exec exit export false fc fg getopts hash help history jobs kill let local ' +
    'logout mapfile popd printf pushd pwd read readarray readonly return set shift shopt source suspend ' +
    'test times trap true type typeset ulimit umask unalias unset wait ' +
    'if then else elif fi case esac for select while until do done in function time { } ! [[ ]] coproc'
  ).split(' '),
);

/** Builtins after which the worker is as a fresh one would be (see above for cd). */
const SAFE_BUILTINS = new Set(['true', 'false', ':', 'echo', 'pwd', 'test', '[', 'cd']);

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const FIRST_WORD = /^[A-Za-z0-9_./+:[-]+$/;

/** True when running `command` leaves a worker's shell state as it found it (see above). */
export function keepsWorkerState(command: string): boolean {
  const s = command;
  let i = 0;
  let atCommand = true;
  const n = s.length;
  const dollar = (): boolean => {
    // At s[i] === '$': only expansions that read.
    const next = s[i + 1] ?? '';
    if (next === "'") {
      // $'...': ANSI-C quoting, where \' does not end the string.
      let j = i + 2;
      while (j < n && s[j] !== "'") j += s[j] === '\\' ? 2 : 1;
      if (j >= n) return false;
      i = j + 1;
      return true;
    }
    if (next === '"') {
      i += 1; // $"...": quoting, scanned by the caller.
      return true;
    }
    if (next === '{') {
      const m = NAME.exec(s.slice(i + 2));
      if (!m || s[i + 2 + m[0].length] !== '}') return false;
      i += 3 + m[0].length;
      return true;
    }
    const m = NAME.exec(s.slice(i + 1));
    if (m) {
      i += 1 + m[0].length;
      return true;
    }
    if (/[0-9?#@*$!_-]/.test(next)) {
      i += 2;
      return true;
    }
    return false;
  };
  while (i < n) {
    const c = s[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '\n' || c === '\r') return false;
    if (c === ';') {
      i++;
      atCommand = true;
      continue;
    }
    if (c === '|') {
      i += s[i + 1] === '|' || s[i + 1] === '&' ? 2 : 1;
      atCommand = true;
      continue;
    }
    if (c === '&') {
      if (s[i + 1] === '&') {
        i += 2;
        atCommand = true;
        continue;
      }
      // &> / &>>: a redirection of this command; a lone & is a background job.
      if (s[i + 1] === '>' && !atCommand) {
        i += s[i + 2] === '>' ? 3 : 2;
        continue;
      }
      return false;
    }
    if (c === '(' || c === ')' || c === '`') return false;
    // A comment (or, with interactive_comments off, a word): not judged, refused.
    if (c === '#' && (i === 0 || ' \t;|&<>'.includes(s[i - 1]!))) return false;
    if (atCommand) {
      // The command's name: a plain word, then a blank or an operator.
      let j = i;
      while (j < n && !' \t;|&<>()\n\r'.includes(s[j]!)) j++;
      const word = s.slice(i, j);
      const after = s[j] ?? '';
      if (word === '!') {
        i = j;
        continue;
      }
      if (!FIRST_WORD.test(word) || after === '<' || after === '>') return false;
      if (!word.includes('/') && BASH_WORDS.has(word) && !SAFE_BUILTINS.has(word)) return false;
      i = j;
      atCommand = false;
      continue;
    }
    if (c === '<' || c === '>') {
      const next = s[i + 1] ?? '';
      if (next === '(') return false; // process substitution
      if (c === '<' && next === '<') {
        if (s[i + 2] !== '<') return false; // here-document
        i += 3; // here-string
      } else if (next === '&' || next === '|' || next === '>' || (c === '<' && next === '>')) i += 2;
      else i++;
      continue;
    }
    if (c === '}' && (s[i + 1] === '<' || s[i + 1] === '>')) return false; // {fd}> keeps the fd
    if (c === '\\') {
      if (i + 1 >= n || s[i + 1] === '\n') return false;
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) return false;
      i = end + 1;
      continue;
    }
    if (c === '$') {
      if (!dollar()) return false;
      continue;
    }
    if (c === '"') {
      i++;
      for (;;) {
        if (i >= n) return false;
        const d = s[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '`') return false;
        if (d === '\\') {
          i += 2;
          continue;
        }
        if (d === '$') {
          if (s[i + 1] === '"' || s[i + 1] === "'") {
            i++;
            continue;
          }
          if (!dollar()) return false;
          continue;
        }
        i++;
      }
      continue;
    }
    i++;
  }
  return true;
}
