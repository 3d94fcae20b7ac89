// The server the end-to-end suite drives: the production build on a fresh embedded database.
import fs from 'node:fs';
import { buildIfNeeded } from './build-if-needed.js';

const dataDir = process.env.DATA_DIR ?? '.tmp/e2e-data';
fs.rmSync(dataDir, { recursive: true, force: true });
buildIfNeeded();
await import('./serve.js');
