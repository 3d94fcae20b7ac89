// The server the end-to-end suite drives: the production build on a fresh embedded database, with
// the sandbox EHR beside it (fresh too) on SANDBOX_EHR_PORT.
import fs from 'node:fs';
import { buildIfNeeded } from './build-if-needed.js';
import { startSandboxEhrChild } from './sandbox-ehr.js';

const dataDir = process.env.DATA_DIR ?? '.tmp/e2e-data';
fs.rmSync(dataDir, { recursive: true, force: true });
buildIfNeeded();
startSandboxEhrChild();
await import('./serve.js');
