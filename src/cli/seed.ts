import { seedDemoData } from '$lib/server/demo/seed';
import { migrateToLatest } from '$lib/server/platform/migrate';
import { runCommand } from './run';

await runCommand(
	'seed',
	async ({ handle }) => {
		await migrateToLatest(handle.db);
		const result = await seedDemoData(handle.db, new Date());
		process.stdout.write(
			result.seeded
				? `Seeded the demo organization: ${result.staff} staff, ${result.patients} patients.\n`
				: 'The demo organization is already there; nothing was written.\n'
		);
	},
	{ refuseInProduction: 'demo data and demo accounts are never written to a production database.' }
);
