import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'svelte/compiler';
import { describe, expect, it } from 'vitest';

/**
 * Svelte writes an input's `value={…}` into the field when the page hydrates, wiping whatever a
 * person typed while the scripts were still loading (slow phones, weak signal). Server-rendered text
 * fields therefore take `defaultValue={…}` (and boxes `defaultChecked`), which fill the field without
 * overwriting what was typed.
 */
const KEPT_AS_IS = new Set(['hidden', 'submit', 'button', 'radio', 'checkbox', 'reset', 'image']);

type Node = { type?: string; name?: string; attributes?: Attribute[]; [key: string]: unknown };
type Attribute = { type: string; name: string; value: unknown };

function svelteFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return svelteFiles(path);
		return entry.name.endsWith('.svelte') ? [path] : [];
	});
}

function staticType(element: Node): string | undefined {
	const type = element.attributes?.find((a) => a.type === 'Attribute' && a.name === 'type');
	const parts = Array.isArray(type?.value) ? type.value : [];
	const text = parts.find((p: { type: string }) => p.type === 'Text') as { data: string } | undefined;
	return text?.data;
}

/** Every <input> or <textarea> in a component that sets `value` as a plain attribute. */
function clobberingFields(source: string): string[] {
	const found: string[] = [];
	const visit = (node: unknown): void => {
		if (!node || typeof node !== 'object') return;
		if (Array.isArray(node)) return node.forEach(visit);
		const element = node as Node;
		if (element.type === 'RegularElement' && (element.name === 'input' || element.name === 'textarea')) {
			const type = staticType(element) ?? 'text';
			const sets = (name: string) =>
				element.attributes?.some((a) => a.type === 'Attribute' && a.name === name) ?? false;
			if (sets('value') && !KEPT_AS_IS.has(type)) found.push(element.name);
			// Likewise a box ticked before hydration: `defaultChecked`, not `checked`.
			if (sets('checked') && (type === 'checkbox' || type === 'radio')) found.push(element.name);
		}
		for (const [key, value] of Object.entries(element)) if (key !== 'parent') visit(value);
	};
	visit(parse(source, { modern: true }).fragment);
	return found;
}

describe('server-rendered form fields', () => {
	it('flags a text field that sets value=, and accepts defaultValue= and hidden fields', () => {
		expect(clobberingFields('<input name="a" value={x} />')).toEqual(['input']);
		expect(clobberingFields('<textarea name="a" value={x}></textarea>')).toEqual(['textarea']);
		expect(clobberingFields('<input type="email" value="a@b" />')).toEqual(['input']);
		expect(clobberingFields('<input name="a" defaultValue={x} />')).toEqual([]);
		expect(clobberingFields('<input type="hidden" name="id" value={id} />')).toEqual([]);
		expect(clobberingFields('{#if ok}<form><input value={x} /></form>{/if}')).toEqual(['input']);
		expect(clobberingFields('<input type="checkbox" name="r" value="a" checked={on} />')).toEqual(['input']);
		expect(clobberingFields('<input type="checkbox" name="r" value="a" defaultChecked={on} />')).toEqual([]);
	});

	it('keep what a person typed before hydration: no component sets value= on a text field', () => {
		const root = join(import.meta.dirname, '..', '..');
		const offenders = svelteFiles(root).filter(
			(file) => clobberingFields(readFileSync(file, 'utf8')).length > 0
		);
		expect(offenders.map((file) => relative(root, file))).toEqual([]);
	});
});
