/**
 * Unified diffs of two texts, line by line (Myers' O(ND) algorithm after
 * trimming the common head and tail). Output applies with `git apply` and
 * `patch -p1`.
 */

type Op = { kind: ' ' | '-' | '+'; line: string };

const NO_NEWLINE = '\0no-newline';

/** Lines without their newline; a last line that has none carries a marker, so that adding a newline is a change. */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += NO_NEWLINE;
  return lines;
}

function myers(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let done = false;
  for (let d = 0; d <= max && !done; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)
          ? v[offset + k + 1]!
          : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
  }
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: ' ', line: a[--x]! });
      y--;
    }
    if (d > 0) {
      if (x === prevX) ops.push({ kind: '+', line: b[--y]! });
      else ops.push({ kind: '-', line: a[--x]! });
    }
  }
  return ops.reverse();
}

/** The line operations turning `before` into `after`. */
export function diffLines(before: string, after: string): Op[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const ops: Op[] = a.slice(0, head).map((line) => ({ kind: ' ', line }));
  ops.push(...myers(a.slice(head, a.length - tail), b.slice(head, b.length - tail)));
  for (const line of a.slice(a.length - tail)) ops.push({ kind: ' ', line });
  return ops;
}

/** A git-style unified diff of one file, or '' when nothing changed. */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const ops = diffLines(before, after);
  const hunks: string[] = [];
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i]!.kind === ' ') i++;
    if (i >= ops.length) break;
    const start = Math.max(0, i - context);
    let end = i;
    // Extend while the next change is within 2 * context lines.
    for (let j = i; j < ops.length; j++) {
      if (ops[j]!.kind !== ' ') end = j;
      else if (j - end > 2 * context) break;
    }
    const stop = Math.min(ops.length, end + 1 + context);
    let oldLine = 1;
    let newLine = 1;
    for (let j = 0; j < start; j++) {
      if (ops[j]!.kind !== '+') oldLine++;
      if (ops[j]!.kind !== '-') newLine++;
    }
    const body = ops.slice(start, stop);
    const oldCount = body.filter((o) => o.kind !== '+').length;
    const newCount = body.filter((o) => o.kind !== '-').length;
    const range = (line: number, count: number) =>
      `${count === 0 ? line - 1 : line}${count === 1 ? '' : `,${count}`}`;
    hunks.push(`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`);
    for (const op of body) {
      if (op.line.endsWith(NO_NEWLINE))
        hunks.push(`${op.kind}${op.line.slice(0, -NO_NEWLINE.length)}`, '\\ No newline at end of file');
      else hunks.push(`${op.kind}${op.line}`);
    }
    i = stop;
  }
  const lines = hunks;
  const header = [`diff --git a/${path} b/${path}`];
  if (before === '') header.push('new file mode 100644', '--- /dev/null');
  else header.push(`--- a/${path}`);
  header.push(after === '' ? '+++ /dev/null' : `+++ b/${path}`);
  return `${[...header, ...lines].join('\n')}\n`;
}
