import { rotateEnvironmentKek, rotateKeyFiles } from '$lib/server/platform/crypto/rotation';
import { runCommand } from './run';

// `npm run keys:rotate`: re-wraps every data key with a new key-encryption key.
await runCommand('keys:rotate', async ({ handle, config }) => {
	const { kek, kekPrevious, indexKey } = config.keys;
	if (kek) {
		const newKek = process.env.NEW_KEK;
		if (!newKek || !indexKey) {
			throw new Error('with KEK in the environment, set NEW_KEK (32 bytes, base64) to the key to rotate to');
		}
		const result = await rotateEnvironmentKek(handle.db, { kek, kekPrevious, indexKey, newKek });
		process.stdout.write(
			`Re-wrapped ${result.rewrapped} data key(s) with KEK ${result.newKekId}. ` +
				`Now deploy with KEK=$NEW_KEK and KEK_PREVIOUS=<the old KEK> until every instance has restarted.\n`
		);
		return;
	}
	const result = await rotateKeyFiles(handle.db, config.dataDir);
	process.stdout.write(
		`Re-wrapped ${result.rewrapped} data key(s): KEK ${result.previousKekId} -> ${result.newKekId} ` +
			`(the old key is kept as keys/kek.key.previous).\n`
	);
});
