import path from 'node:path';
import { defineConfig } from 'vite';

// The command-line tools (db:migrate, seed, later audit:verify) are built from the same
// TypeScript as the server, into build/cli/, so that they run on plain Node.
export default defineConfig({
	resolve: { alias: { $lib: path.resolve('src/lib') } },
	logLevel: 'warn',
	build: {
		ssr: true,
		outDir: 'build/cli',
		emptyOutDir: true,
		target: 'node20',
		sourcemap: true,
		rollupOptions: {
			input: {
				migrate: 'src/cli/migrate.ts',
				seed: 'src/cli/seed.ts',
				'audit-verify': 'src/cli/audit-verify.ts',
				'keys-rotate': 'src/cli/keys-rotate.ts',
				'bench-outbox': 'src/cli/bench-outbox.ts',
				'bench-identity': 'src/cli/bench-identity.ts',
				'bench-billing': 'src/cli/bench-billing.ts',
				'bench-scheduling': 'src/cli/bench-scheduling.ts',
				'sandbox-ehr': 'src/cli/sandbox-ehr.ts',
				'bench-ehr': 'src/cli/bench-ehr.ts'
			},
			output: { format: 'es', entryFileNames: '[name].js' }
		}
	}
});
