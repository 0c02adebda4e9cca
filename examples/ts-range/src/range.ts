/** The numbers from `start` up to, but not including, `end`, `step` apart. */
export function range(start: number, end: number, step = 1): number[] {
  const out: number[] = [];
  for (let i = start; i <= end; i += step) out.push(i);
  return out;
}

/** The sum of the numbers. */
export function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
