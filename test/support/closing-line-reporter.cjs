// A jest reporter that ends the run with one plain line, "N passed, N failed" (", N skipped"
// when some were), which CI systems and people can read without knowing jest's own format.
class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed`;
    process.stdout.write(`${skipped > 0 ? `${line}, ${skipped} skipped` : line}\n`);
  }
}

module.exports = ClosingLineReporter;
