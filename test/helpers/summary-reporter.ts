import type { RunnerTask, RunnerTestFile } from 'vitest';
import type { Reporter } from 'vitest/reporters';

/**
 * Prints one plain closing line, `Tests: N passed, N failed, N skipped`, after
 * vitest's own summary, so tools that read a run's last lines (CI among them)
 * get the counts without colour codes or layout.
 */
export default class SummaryReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = []): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    const visit = (task: RunnerTask): void => {
      if (task.type === 'suite') {
        for (const child of task.tasks) visit(child);
        return;
      }
      const state = task.result?.state;
      if (state === 'pass') count.passed++;
      else if (state === 'fail') count.failed++;
      else count.skipped++;
    };
    for (const file of files) {
      // A file that failed to load has no tests but must not read as a pass.
      if (file.result?.state === 'fail' && file.tasks.length === 0) count.failed++;
      for (const task of file.tasks) visit(task);
    }
    process.stdout.write(
      `\nTests: ${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped\n`,
    );
  }
}
