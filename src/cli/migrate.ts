import { syncCompactMemberships } from '$lib/server/licensure/repository';
import { migrateToLatest } from '$lib/server/platform/migrate';
import { runCommand } from './run';

await runCommand('db:migrate', async ({ handle }) => {
	const applied = await migrateToLatest(handle.db);
	await syncCompactMemberships(handle.db);
	process.stdout.write(
		applied.length
			? `Applied ${applied.length} migration(s): ${applied.join(', ')}\n`
			: 'The schema is current.\n'
	);
});
