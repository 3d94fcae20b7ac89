// `npm run seed`: writes the demo organization (the only way to seed when DATABASE_URL is set).
import { buildIfNeeded } from './build-if-needed.js';

buildIfNeeded();
await import('../build/cli/seed.js');
