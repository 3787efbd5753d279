// After `npm test`: jest's totals as one plain line ("N passed, N failed, N skipped"), then each group of skipped
// tests with the reason its block's title gives (describeWithEngine: "… SKIPPED: <engine> absent, <reason>").
const { readFileSync } = require('node:fs');

const SKIPPED_MARK = 'SKIPPED:';
const results = JSON.parse(readFileSync('.jest-results.json', 'utf8'));
const skipped = results.numPendingTests + results.numTodoTests;
console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`);

const skippedByReason = new Map();
for (const file of results.testResults) {
  for (const test of file.assertionResults) {
    if (test.status !== 'pending' && test.status !== 'todo') continue;
    const marked = test.ancestorTitles.find((title) => title.includes(SKIPPED_MARK));
    const reason = marked ? marked.slice(marked.indexOf(SKIPPED_MARK) + SKIPPED_MARK.length).trim() : 'skipped in the test file itself';
    skippedByReason.set(reason, (skippedByReason.get(reason) ?? 0) + 1);
  }
}
for (const [reason, count] of skippedByReason) console.log(`  ${count} skipped: ${reason}`);
