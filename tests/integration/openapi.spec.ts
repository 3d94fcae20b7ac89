import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { openApiDocument } from '../../src/lib/server/api/openapi';

const API_DIR = path.resolve('src/routes/api/v1');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Every (path, method) the route files export, with [param] written as {param}. */
function routeOperations(): string[] {
	const found: string[] = [];
	const walk = (dir: string) => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (entry.name === '+server.ts') {
				const route = path.relative(API_DIR, dir).split(path.sep).filter(Boolean);
				if (route.some((segment) => segment.startsWith('[...'))) continue; // the JSON 404 fallback
				const apiPath = '/' + route.map((s) => s.replace(/^\[(\w+)\]$/, '{$1}')).join('/');
				const source = fs.readFileSync(full, 'utf8');
				for (const method of METHODS) {
					if (new RegExp(`export (const|async function|function) ${method}\\b`).test(source)) {
						found.push(`${method} ${apiPath}`);
					}
				}
			}
		}
	};
	walk(API_DIR);
	return found.sort();
}

function documentedOperations(): string[] {
	return Object.entries(openApiDocument.paths)
		.flatMap(([p, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${p}`))
		.sort();
}

describe('OpenAPI document', () => {
	test('is OpenAPI 3 and served under /api/v1', () => {
		expect(openApiDocument.openapi).toMatch(/^3\./);
		expect(openApiDocument.servers).toEqual([{ url: '/api/v1' }]);
	});

	test('describes exactly the routes that exist (it cannot drift)', () => {
		expect(routeOperations().length).toBeGreaterThan(3);
		expect(documentedOperations()).toEqual(routeOperations());
	});

	test('every operation has an id and every $ref resolves', () => {
		const json = JSON.stringify(openApiDocument);
		for (const [, ref] of json.matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)) {
			expect(openApiDocument.components.schemas).toHaveProperty(ref!);
		}
		const ids = Object.values(openApiDocument.paths).flatMap((item) =>
			Object.values(item).map((op: { operationId?: string }) => op.operationId)
		);
		expect(ids.every(Boolean)).toBe(true);
		expect(new Set(ids).size).toBe(ids.length);
	});
});
