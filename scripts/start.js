// `npm start`: build if the sources changed, then serve. The server migrates the database and, on an
// empty embedded database, seeds the demo data before it listens (src/hooks.server.ts). Without
// FHIR_BASE_URL the sandbox EHR runs beside it, as a child process, and stops with it.
import { buildIfNeeded } from './build-if-needed.js';
import { startSandboxEhrChild } from './sandbox-ehr.js';

buildIfNeeded();
if (!process.env.FHIR_BASE_URL && process.env.APP_ENV !== 'production') startSandboxEhrChild();
await import('./serve.js');
