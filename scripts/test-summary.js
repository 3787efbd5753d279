// Prints jest's totals as one plain line ("N passed, N failed, N skipped") after `npm test`.
const { readFileSync } = require('node:fs');
const results = JSON.parse(readFileSync('.jest-results.json', 'utf8'));
console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped`);
