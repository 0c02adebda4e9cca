import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { analyzeFiles, type FileAnalysis } from './analysis.js';
import type { ParsedLanguage } from './languages.js';

// Below this much source, starting threads costs more than it saves.
const PARALLEL_MIN_BYTES = 2_000_000;

/**
 * Analyses files on worker threads when there is enough work and the
 * compiled worker exists (under a TypeScript test runner it does not), else
 * on this thread. Results come back in input order.
 */
export async function analyzeInParallel(
  jobs: { source: string; language: ParsedLanguage | null }[],
  windowLines: number,
  threads = Math.min(4, availableParallelism()),
): Promise<FileAnalysis[]> {
  const bytes = jobs.reduce((sum, job) => sum + job.source.length, 0);
  const worker = new URL('./analysis-worker.js', import.meta.url);
  if (threads < 2 || bytes < PARALLEL_MIN_BYTES || !existsSync(fileURLToPath(worker)))
    return analyzeFiles(jobs, windowLines);

  // Largest first, each to the least loaded thread, so that threads finish together.
  const order = [...jobs.keys()].sort((a, b) => jobs[b]!.source.length - jobs[a]!.source.length);
  const shares = Array.from({ length: threads }, () => ({ load: 0, jobs: [] as number[] }));
  for (const j of order) {
    const share = shares.reduce((min, s) => (s.load < min.load ? s : min));
    share.jobs.push(j);
    share.load += jobs[j]!.source.length;
  }
  const results: FileAnalysis[] = new Array(jobs.length);
  await Promise.all(
    shares.map(
      (share) =>
        new Promise<void>((resolve, reject) => {
          const thread = new Worker(worker);
          thread.once('message', (reply: { analyses?: FileAnalysis[]; error?: string }) => {
            void thread.terminate();
            if (!reply.analyses) return reject(new Error(`indexing thread failed: ${reply.error}`));
            share.jobs.forEach((j, k) => (results[j] = reply.analyses![k]!));
            resolve();
          });
          thread.once('error', reject);
          // A thread that dies without answering (out of memory, killed) must not leave the build waiting.
          thread.once('exit', (code) =>
            reject(new Error(`indexing thread exited (code ${code}) without a result`)),
          );
          thread.postMessage({ files: share.jobs.map((j) => jobs[j]), windowLines });
        }),
    ),
  );
  return results;
}
