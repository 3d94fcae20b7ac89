// `npm run audit:verify`: checks the audit log's hash chain (same DATA_DIR/DATABASE_URL as the app).
import { buildIfNeeded } from './build-if-needed.js';

buildIfNeeded();
await import('../build/cli/audit-verify.js');
