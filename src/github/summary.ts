import { z } from 'zod';

/**
 * The part of `drydock fix`'s summary.json the action reads. Unknown fields are kept out;
 * missing optional ones default, so a newer summary with more fields still reads.
 */
const summarySchema = z.object({
  status: z.enum(['patched', 'no_patch', 'budget_exceeded', 'timeout', 'error']),
  message: z.string().default(''),
  scripted: z.boolean().default(false),
  model: z.string().default(''),
  patch: z.string().default(''),
  files: z.array(z.string()).default([]),
  tests: z.object({ command: z.string(), passed: z.number(), failed: z.number() }).nullable().default(null),
  reproductionTest: z
    .object({ path: z.string(), kept: z.boolean(), reason: z.string().default('') })
    .nullable()
    .default(null),
  review: z.object({ rounds: z.number(), approved: z.boolean() }).partial().nullable().default(null),
  reward: z.number().nullable().default(null),
  costUsd: z.number().nullable().default(null),
  turns: z.number().default(0),
  trajectory: z.string().default(''),
});

export type FixSummary = z.infer<typeof summarySchema>;

export function parseSummary(value: unknown): FixSummary | { error: string } {
  const r = summarySchema.safeParse(value);
  if (r.success) return r.data;
  return { error: r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
}

/** Resolved: a patch was chosen and no test it ran failed. A patch with failing tests is a failed run with a best candidate. */
export function isResolved(s: FixSummary): boolean {
  return s.status === 'patched' && s.patch.trim() !== '' && (s.tests === null || s.tests.failed === 0);
}
