// `npm start`: build if the sources changed, then serve. The server migrates the database and, on an
// empty embedded database, seeds the demo data before it listens (src/hooks.server.ts).
import { buildIfNeeded } from './build-if-needed.js';

buildIfNeeded();
await import('./serve.js');
