// Test-only extension: code-server has no `extensionTestsPath`, so this runs the Mocha suite
// inside the real extension host on activation and reports through a results file.
'use strict';
const fs = require('fs');
const path = require('path');

function writeResults(results) {
  const file = process.env.GRADIENT_LENS_TEST_RESULTS;
  if (!file) {
    console.log('[test-runner] GRADIENT_LENS_TEST_RESULTS unset; results:', JSON.stringify(results));
    return;
  }
  // Write then rename, so the driver polling for the file never reads half of it.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(results, null, 2));
  fs.renameSync(tmp, file);
}

function runSuite(suiteDir) {
  const Mocha = require(process.env.GRADIENT_LENS_MOCHA || 'mocha');
  const mocha = new Mocha({ ui: 'bdd', timeout: 20000, color: false });
  const files = fs
    .readdirSync(suiteDir)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(suiteDir, f));

  const results = { passed: [], failed: [], pending: [] };
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve(results));
    runner.on('pass', (t) => results.passed.push({ title: t.title, fullTitle: t.fullTitle(), duration: t.duration }));
    runner.on('fail', (t, err) =>
      results.failed.push({ title: t.title, fullTitle: t.fullTitle(), error: String(err && err.message), stack: String(err && err.stack) }),
    );
    runner.on('pending', (t) => results.pending.push({ title: t.title, fullTitle: t.fullTitle() }));
  });
}

function activate() {
  const suiteDir = process.env.GRADIENT_LENS_TEST_SUITE;
  if (!suiteDir || !fs.existsSync(suiteDir) || !fs.statSync(suiteDir).isDirectory()) return;
  // Not awaited: activation must finish so the workbench (and the suite) can go on.
  Promise.resolve()
    .then(() => runSuite(suiteDir))
    .then(writeResults)
    .catch((err) =>
      writeResults({
        passed: [],
        failed: [
          {
            title: 'test-runner',
            fullTitle: 'test-runner: could not run the suite',
            error: String(err && err.message),
            stack: String(err && err.stack),
          },
        ],
        pending: [],
      }),
    );
}

module.exports = { activate, deactivate() {} };
