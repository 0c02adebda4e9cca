// Runs analyzeFiles on a worker thread: parsing is the slow part of indexing
// (tree-sitter in wasm parses Python at a few MB/s), and it splits cleanly by file.
import { parentPort } from 'node:worker_threads';
import { analyzeFiles } from './analysis.js';
import type { ParsedLanguage } from './languages.js';

interface Job {
  files: { source: string; language: ParsedLanguage | null }[];
  windowLines: number;
}

parentPort?.once('message', (job: Job) => {
  analyzeFiles(job.files, job.windowLines).then(
    (analyses) => parentPort!.postMessage({ analyses }),
    (err: unknown) => parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) }),
  );
});
