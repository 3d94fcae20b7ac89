import { requirePermission } from '../identity/policy';
import type { ServiceContext } from '../platform/context';
import { readPatient, type Patient } from './repository';

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Finds the organization's patients by name, birth date, phone or email (an empty query lists all).
 * Names are sealed at rest, so matching happens after opening, inside the service; the search is
 * audited with how many records it returned.
 */
export async function searchPatients(ctx: ServiceContext, query: string, limit = 50): Promise<Patient[]> {
	const staff = await requirePermission(ctx, 'patient.read', {
		action: 'patient.search',
		resourceType: 'patient'
	});
	const ids = await ctx.db
		.selectFrom('patients')
		.select('id')
		.where('organization_id', '=', staff.organizationId)
		.execute();
	const needle = fold(query.trim());
	const digits = query.replace(/\D/g, '');
	const found: Patient[] = [];
	for (const { id } of ids) {
		const p = (await readPatient(ctx.db, ctx.phi, id))!;
		const matches =
			needle === '' ||
			fold(`${p.givenName} ${p.familyName}`).includes(needle) ||
			fold(`${p.familyName} ${p.givenName}`).includes(needle) ||
			p.birthDate === query.trim() ||
			(digits.length >= 4 && (p.phone ?? '').replace(/\D/g, '').endsWith(digits)) ||
			(p.email !== null && fold(p.email) === needle);
		if (matches) found.push(p);
	}
	found.sort((a, b) => fold(a.familyName).localeCompare(fold(b.familyName)) || a.id.localeCompare(b.id));
	const page = found.slice(0, limit);
	await ctx.audit.record({
		action: 'patient.search',
		resourceType: 'patient',
		purpose: 'operations',
		details: { count: page.length }
	});
	return page;
}
