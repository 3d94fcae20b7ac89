import { seedDemoData } from '$lib/server/demo/seed';
import { loadKeyring } from '$lib/server/platform/crypto/keyring';
import { createPhiCipher } from '$lib/server/platform/crypto/phi';
import { migrateToLatest } from '$lib/server/platform/migrate';
import { runCommand } from './run';

await runCommand(
	'seed',
	async ({ handle, config }) => {
		await migrateToLatest(handle.db);
		const phi = createPhiCipher(loadKeyring({ ...config.keys, dataDir: config.dataDir }));
		const result = await seedDemoData(handle.db, phi, new Date());
		process.stdout.write(
			result.seeded
				? `Seeded the demo organization: ${result.staff} staff, ${result.patients} patients.\n`
				: 'The demo organization is already there; nothing was written.\n'
		);
	},
	{ refuseInProduction: 'demo data and demo accounts are never written to a production database.' }
);
