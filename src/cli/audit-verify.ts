import { verifyAuditChain } from '$lib/server/platform/audit/verify';
import { runCommand } from './run';

const PROBLEMS = {
	changed: 'its content no longer matches its hash (the entry was changed)',
	missing: 'it is missing (an entry was removed)',
	relinked: 'it no longer links to the entry before it (entries were removed or reordered)',
	truncated: 'the chain ends before its recorded head (the newest entries were removed)'
} as const;

// `npm run audit:verify`: exit 0 when the chain is intact, 1 naming the first bad entry.
await runCommand('audit:verify', async ({ handle }) => {
	const report = await verifyAuditChain(handle.db);
	if (report.intact) {
		process.stdout.write(`The audit chain is intact: ${report.entries} entries verified.\n`);
		return;
	}
	process.stdout.write(
		`The audit chain is broken at entry #${report.seq}: ${PROBLEMS[report.problem]}. ` +
			`Entries #1 to #${report.entries} verified.\n`
	);
	process.exitCode = 1;
});
