// `npm run keys:rotate`: re-wraps all data keys with a new key-encryption key.
import { buildIfNeeded } from './build-if-needed.js';

buildIfNeeded();
await import('../build/cli/keys-rotate.js');
