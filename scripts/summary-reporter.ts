import type { Reporter, TestModule } from 'vitest/node';

/** Prints CI's plain closing line `N passed, N failed, N skipped` after vitest's own summary. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of modules) {
      let hasTests = false;
      for (const test of module.children.allTests()) {
        hasTests = true;
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      // A file that failed to import has no tests but must still count as a failure.
      if (!hasTests && module.state() === 'failed') failed++;
    }
    failed += errors.length;
    console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
