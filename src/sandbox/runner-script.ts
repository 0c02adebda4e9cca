import { bash } from './bash-text.js';

/**
 * The runner: the container's main process (under Docker's init), run by the static
 * bash drydock brings in (or the image's own bash), so nothing is compiled.
 *
 * A process made by fork() costs about 1.7 ms of CPU on the machines drydock was
 * measured on (a virtualised kernel where page tables are expensive), and a call
 * used to need two of them on its path (a watcher and the call's process), plus the
 * move of the call's process into its cgroup (a write to cgroup.procs, which waits
 * for an RCU grace period: 3-11 ms). So nothing of that happens when a call arrives:
 *
 * - Per **slot** the runner starts a manager (`S <slot>` on the control fifo $D/ctl,
 *   one line each; the first ones at start, `$1` of them). A manager forks the
 *   slot's next **worker** ahead of time, prints `P <slot> <gen> <pid>` and waits
 *   for it; when it ends it prints `X <slot> <gen> <status>` (128 + signal when
 *   killed) and forks the next one at once.
 * - A worker waits, blocked, for its request on the slot's fifo $D/<slot>.r.
 *   Meanwhile drydock moves it into the slot's cgroup (made with the sandbox's
 *   default limits for the slot's first worker, then kept), so when a call comes,
 *   all that is left is to write the limits that differ and the request. A worker
 *   therefore runs nothing before it is in its cgroup: the request is its gate.
 * - A request whose keep flag is set (the command cannot change the shell's state:
 *   reuse-safe.ts) leaves the worker alive: after the command it closes its output,
 *   prints `K <slot> <gen> <status>` and waits for the slot's next request (header
 *   `<gen>.<n>`, n counting its calls), so that call needs no new process.
 * - The request (NUL-separated fields): a header `\x01drydock <gen>.<n>`, input (1:
 *   stdin from $D/<slot>.i), keep (1: stay for the next call), cwd, m, m x NAME=VALUE,
 *   command. A worker skips fields
 *   until its own header: what is left of a request whose worker was killed before
 *   reading it (the manager keeps the fifo open) never runs. The worker then opens the slot's stdout/stderr fifos
 *   ($D/<slot>.o, .e: drydock opened their read ends before writing the request),
 *   for input its stdin fifo (then `I <slot> <gen>`), and evals the command.
 * - When the command ends by itself (not by `exit`, `exec` or a signal) and leaves
 *   no EXIT trap, the worker closes its output and prints `Y <slot> <gen> <status>`
 *   before it exits: tearing a process down costs about as much as the rest of a
 *   call here, and nothing of the call runs after that line (drydock kills what is
 *   left in the call's cgroup). Otherwise the manager's X line is the end.
 *
 * Event lines (R, P, X) go to the event fifo $D/ev, each one short write so lines of
 * concurrent slots never interleave, except `R <pid>` (ready), which goes to the
 * attach stream. drydock opens ctl and ev from the host through /proc/PID/root. What
 * arrives on stdin is copied into $D/ctl; when stdin closes (drydock exited or
 * died), the runner is killed and the container stops.
 */
export const RUNNER_SCRIPT = bash`
set -u
D=/run/drydock
exec 3>&1 1>/dev/null
if [[ ! -p $D/ctl ]]; then
  f=("$D/ctl" "$D/ev")
  for ((s = 0; s < 8; s++)); do f+=("$D/$s.o" "$D/$s.e" "$D/$s.i" "$D/$s.r"); done
  mkfifo -m 600 "\${f[@]}"
  unset -v f
fi
exec 4<>"$D/ctl" 5<>"$D/ev"
# Whether a worker may be kept for the next call (reuse-safe.ts): not when a function or an
# alias (from the environment or BASH_ENV) could stand for a program's name.
k=1
declare -F >"$D/fn"
[[ -s $D/fn ]] && k=0
shopt -q expand_aliases && k=0
# Ready before the copier below is forked: drydock opens ctl and ev meanwhile.
printf 'R %s %s\n' "$$" "$k" >&3
# A background job's stdin would be /dev/null: the attach stream goes to it as fd 7.
exec 7<&0
(exec 3>&- 5>&-; cat <&7 >&4; kill -TERM $$) &
exec 7<&- 0</dev/null
exec 6>&3 3>&5 5>&-
# The first slots' managers start at once: their requests go through ctl like later ones.
for ((s = 0; s < \${1:-0}; s++)); do printf '%s\n' "$s" >&4; done
while IFS= read -r -u 4 s; do
  [[ $s =~ ^[0-9]+$ ]] || continue
  o=$D/$s.o e=$D/$s.e i=$D/$s.i r=$D/$s.r q=$D/$s.q
  [[ -p $r ]] || mkfifo -m 600 "$o" "$e" "$i" "$r" || continue
  (
    exec 4<&- 6>&- 8<>"$r"
    g=0
    while :; do
      (
        # Ready ahead, not on a call's path: the EXIT trap (it says Y only for a command that
        # returned, below) and the pages a fork's child copies as it first writes them, which
        # cost tens of microseconds each on the virtualised machines drydock was measured on.
        trap '{ __drydock_st=$?; set +ex; } 2>/dev/null; [[ -n \${__drydock_done-} ]] && {
          exec >&- 2>&- <&-; builtin printf "%s %s\n" "$__drydock_y" "$__drydock_st" >"$__drydock_ev"; }' EXIT
        f=(a b c d e) h=x; cd -- /; export h; export -n h; eval ': "\${f[@]:1:2}"'
        printf 'W %s %s\n' "$s" "$g" >&3
        exec 3>&-
        __drydock_y="Y $s $g" __drydock_k="K $s $g" __drydock_is="I $s $g" __drydock_ev=$D/ev
        __drydock_o=$o __drydock_e=$e __drydock_i=$i __drydock_r=$r __drydock_q=$q __drydock_g=$g __drydock_n=0
        unset -v D o e i r q s g p st h
        while :; do
          # Bytes of a request whose worker was killed before reading it all are skipped.
          while :; do
            IFS= read -r -d '' -u 8 __drydock_h || exit 125
            [[ $__drydock_h == $'\001'"drydock $__drydock_g.$__drydock_n" ]] && break
          done
          # The request itself is in a file, read in one go (bash reads a fifo a byte at a time).
          mapfile -d '' -t f <"$__drydock_q" && [[ \${f[0]-} == "$__drydock_h" ]] || exit 125
          exec 8<&- >"$__drydock_o" 2>"$__drydock_e"
          # Said once stdin is open: drydock closes its end (the EOF) only then, or the data would go.
          [[ \${f[1]} == 1 ]] && { exec <"$__drydock_i"; printf '%s\n' "$__drydock_is" >"$__drydock_ev"; }
          cd -- "\${f[3]}" || exit 126
          ((f[4])) && export "\${f[@]:5:f[4]}"
          __drydock_keep=\${f[2]}
          set +u
          BASH_ARGV0=bash
          unset -v __drydock_done
          eval "unset -v f; \${f[5 + f[4]]}"
          { __drydock_st=$?; set +ex; } 2>/dev/null
          # A command that cannot have changed this shell's state (reuse-safe.ts) leaves the
          # worker for the slot's next call: no process to fork and tear down for it. K ends the
          # call; the worker goes back to / (a fresh one's OLDPWD) and forgets hashed paths.
          if [[ $__drydock_keep == 1 ]]; then
            exec >&- 2>&-
            builtin printf '%s %s\n' "$__drydock_k" "$__drydock_st" >"$__drydock_ev"
            exec 8<>"$__drydock_r"
            hash -r
            cd -- /
            __drydock_n=$((__drydock_n + 1))
            continue
          fi
          # Returned by itself: the EXIT trap, unless the command replaced it with its own, closes
          # the output and says Y before the process is torn down, which costs about as much as
          # the rest of a call; nothing of the call runs after that line. (exit, exec, set -e or
          # a signal: the manager's X line is the end.)
          __drydock_done=1
          builtin exit "$__drydock_st"
        done
      ) &
      p=$!
      printf 'P %s %s %s\n' "$s" "$g" "$p" >&3
      # (Quiet: bash would print "Killed" and the worker's source for every killed call.)
      wait "$p" 2>/dev/null
      st=$?
      printf 'X %s %s %s\n' "$s" "$g" "$st" >&3
      g=$((g + 1))
    done
  ) &
done
exit 0
`;

/** What wakes a slot's worker of generation `gen`: its header, on the slot's request fifo. */
export function requestHeader(gen: number, n: number): Buffer {
  return Buffer.from(`\x01drydock ${gen}.${n}\0`, 'latin1');
}

/** The request for one call, as its worker reads it from the slot's request file. */
export function encodeRequest(r: {
  gen: number;
  /** The worker's own count of the calls it was given (kept workers take several). */
  n: number;
  input: boolean;
  /** The worker stays for the slot's next call (the command cannot change its state). */
  keep: boolean;
  cwd: string;
  env: Record<string, string>;
  command: string;
}): Buffer {
  const fields = [
    `\x01drydock ${r.gen}.${r.n}`,
    r.input ? '1' : '0',
    r.keep ? '1' : '0',
    r.cwd,
    String(Object.keys(r.env).length),
    ...Object.entries(r.env).map(([k, v]) => `${k}=${v}`),
    r.command,
  ];
  for (const f of fields) {
    if (f.includes('\0')) throw new Error('commands, paths and environment values cannot contain NUL bytes');
  }
  return Buffer.from(fields.map((f) => `${f}\0`).join(''), 'utf8');
}
