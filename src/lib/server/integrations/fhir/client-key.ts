import { calculateJwkThumbprint, exportPKCS8, generateKeyPair, importPKCS8, type JWK } from 'jose';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type ClientAlgorithm = 'ES384' | 'RS384';

/** The key AnyVisit signs its SMART client assertions with, and the public half an EHR registers. */
export type ClientKey = {
	alg: ClientAlgorithm;
	kid: string;
	privateKey: CryptoKey;
	publicJwk: JWK;
};

async function fromPem(pem: string): Promise<ClientKey> {
	const keyObject = createPrivateKey(pem);
	const alg: ClientAlgorithm = keyObject.asymmetricKeyType === 'ec' ? 'ES384' : 'RS384';
	const privateKey = await importPKCS8(keyObject.export({ format: 'pem', type: 'pkcs8' }).toString(), alg);
	const publicJwk = createPublicKey(keyObject).export({ format: 'jwk' }) as JWK;
	const kid = await calculateJwkThumbprint(publicJwk);
	return { alg, kid, privateKey, publicJwk: { ...publicJwk, alg, kid, use: 'sig' } };
}

/** File names under DATA_DIR/keys for the embedded default. */
export function clientKeyFiles(dataDir: string) {
	const dir = path.join(dataDir, 'keys');
	return {
		dir,
		privateKey: path.join(dir, 'fhir-client.key'),
		jwks: path.join(dir, 'fhir-client.jwks.json')
	};
}

/**
 * FHIR_PRIVATE_KEY (PEM: an EC P-384 key signs ES384, an RSA key RS384) when set. Otherwise the
 * embedded default: an ES384 key created once under DATA_DIR/keys (mode 0600), with its public JWKS
 * beside it for the sandbox EHR to register, as an EHR vendor registers a production client's key.
 */
export async function loadClientKey(options: {
	privateKeyPem?: string | undefined;
	dataDir: string;
}): Promise<ClientKey> {
	if (options.privateKeyPem) return fromPem(options.privateKeyPem);
	const files = clientKeyFiles(options.dataDir);
	if (!fs.existsSync(files.privateKey)) {
		fs.mkdirSync(files.dir, { recursive: true, mode: 0o700 });
		const { privateKey } = await generateKeyPair('ES384', { extractable: true });
		try {
			fs.writeFileSync(files.privateKey, await exportPKCS8(privateKey), { mode: 0o600, flag: 'wx' });
		} catch (error) {
			// The app and the sandbox EHR start together: whoever wrote first wins, the other reads it.
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
	}
	const key = await fromPem(fs.readFileSync(files.privateKey, 'utf8'));
	fs.writeFileSync(files.jwks, `${JSON.stringify({ keys: [key.publicJwk] }, null, 2)}\n`);
	return key;
}

/** The public JWKS written beside the embedded key (what the sandbox EHR trusts). */
export function readClientJwks(dataDir: string): { keys: JWK[] } {
	return JSON.parse(fs.readFileSync(clientKeyFiles(dataDir).jwks, 'utf8')) as { keys: JWK[] };
}
