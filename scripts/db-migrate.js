// `npm run db:migrate`: applies pending migrations to DATABASE_URL or the embedded database.
import { buildIfNeeded } from './build-if-needed.js';

buildIfNeeded();
await import('../build/cli/migrate.js');
