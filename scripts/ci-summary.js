// Prints the closing line CI reads: "N passed, N failed" over every suite that wrote a JSON report.
import fs from 'node:fs';

const reports = [
	{ name: 'unit and integration (Node 20)', file: '.tmp/vitest.json', kind: 'vitest' },
	{ name: 'end-to-end (Chromium)', file: '.tmp/playwright.json', kind: 'playwright' },
	{ name: 'unit and integration (Node 22)', file: '.tmp/vitest-node22.json', kind: 'vitest' }
];

let passed = 0;
let failed = 0;
for (const { name, file, kind } of reports) {
	if (!fs.existsSync(file)) {
		process.stdout.write(`${name}: no report\n`);
		failed += 1;
		continue;
	}
	const report = JSON.parse(fs.readFileSync(file, 'utf8'));
	const [p, f] =
		kind === 'vitest'
			? [report.numPassedTests, report.numFailedTests]
			: [report.stats.expected, report.stats.unexpected + report.stats.flaky];
	process.stdout.write(`${name}: ${p} passed, ${f} failed\n`);
	passed += p;
	failed += f;
}
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
