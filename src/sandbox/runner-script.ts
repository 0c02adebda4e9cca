import { bash } from './bash-text.js';

/**
 * The runner: the container's main process (under Docker's init), written for the
 * bash that every drydock image has, so nothing is copied in or compiled.
 *
 * It reads requests from stdin, NUL-separated fields:
 *   id, slot, hold (1: stop before running so drydock can move the call into its
 *   cgroup), input (1: stdin from the slot's fifo), cwd, n, n × NAME=VALUE, command
 * and writes one line per event to stdout (fd 3), each a single short write so the
 * lines of concurrent calls never interleave:
 *   R <pid>            ready
 *   P <id> <pid>       the call's process exists (stopped, when hold is 1)
 *   X <id> <status>    the call's process ended (128 + signal when killed)
 * The call's stdout and stderr go to per-slot fifos on a tmpfs that drydock reads
 * from the host, so command output never shares the control stream.
 * Requests are read from the fifo $D/ctl and events after R written to $D/ev:
 * drydock opens both from the host (through /proc/PID/root), so a call's request
 * and its two event lines do not pass through the engine's attach stream (each trip
 * through dockerd and the shim costs about as much as the rest of a call). What
 * arrives on stdin is copied into $D/ctl too; when stdin closes (drydock exited or
 * died), the runner is killed and the container stops.
 */
export const RUNNER_SCRIPT = bash`
set -u
D=/run/drydock
exec 3>&1 1>/dev/null
[[ -p $D/ctl ]] || mkfifo -m 600 "$D/ctl" "$D/ev"
exec 4<>"$D/ctl" 5<>"$D/ev"
# A background job's stdin would be /dev/null: the attach stream goes to it as fd 7.
exec 7<&0
(exec 3>&- 5>&-; cat <&7 >&4; kill -TERM $$) &
exec 7<&- 0</dev/null
printf 'R %s\n' "$$" >&3
exec 6>&3 3>&5 5>&-
while IFS= read -r -d '' -u 4 id; do
  IFS= read -r -d '' -u 4 slot; IFS= read -r -d '' -u 4 hold; IFS= read -r -d '' -u 4 input
  IFS= read -r -d '' -u 4 cwd; IFS= read -r -d '' -u 4 n
  envs=()
  for ((k = 0; k < n; k++)); do IFS= read -r -d '' -u 4 kv; envs+=("$kv"); done
  IFS= read -r -d '' -u 4 cmd
  o=$D/$slot.o e=$D/$slot.e i=$D/$slot.i
  [[ -p $o ]] || mkfifo -m 600 "$o" "$e" "$i"
  [[ $input == 1 ]] || i=/dev/null
  (
    (
      exec 3>&- 4<&- 6>&-
      [[ $hold == 1 ]] && kill -STOP "$BASHPID"
      cd -- "$cwd" || exit 126
      ((\${#envs[@]})) && export "\${envs[@]}"
      set +u
      BASH_ARGV0=bash
      unset -v D o e i k n kv envs hold input slot cwd p
      eval "unset -v cmd id; $cmd"
    ) <"$i" >"$o" 2>"$e" &
    p=$!
    printf 'P %s %s\n' "$id" "$p" >&3
    wait "$p"
    printf 'X %s %s\n' "$id" "$?" >&3
  ) &
done
exit 0
`;

/** The runner's request for one call, encoded as the runner reads it. */
export function encodeRequest(r: {
  id: string;
  slot: number;
  hold: boolean;
  input: boolean;
  cwd: string;
  env: Record<string, string>;
  command: string;
}): Buffer {
  const fields = [
    r.id,
    String(r.slot),
    r.hold ? '1' : '0',
    r.input ? '1' : '0',
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
