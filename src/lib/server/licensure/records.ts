import { sql, type Kysely } from 'kysely';
import { requirePermission } from '../identity/policy';
import { readOrganization } from '../organizations/repository';
import type { ServiceContext } from '../platform/context';
import { CsvSyntaxError, parseCsv } from '../platform/csv';
import { violatedConstraint } from '../platform/db';
import { AppError, validationFailed, type FieldIssue } from '../platform/errors';
import type { Database, LicensePathway, LicenseStatus } from '../platform/schema';
import { dayIn, isStateCode } from '../scheduling/states';

type Executor = Kysely<Database>;

/** Credentials a licence may be for (DOMAIN.md, Licensure: MD/DO/NP/PA/RN/PsyD/LCSW and kin). */
export const CREDENTIALS = [
	'MD',
	'DO',
	'NP',
	'PA',
	'RN',
	'LPN',
	'LVN',
	'PsyD',
	'PhD',
	'LCSW',
	'LPC',
	'LMFT'
] as const;
export const LICENCE_STATUSES: readonly LicenseStatus[] = [
	'active',
	'inactive',
	'expired',
	'suspended',
	'revoked'
];
export const PATHWAYS: readonly LicensePathway[] = ['state', 'imlc', 'nlc', 'psypact', 'registration'];

/** Days before expiry at which staff are warned (the scheduling issue: 60, 30 and 7 days). */
export const EXPIRY_WARNING_DAYS = [60, 30, 7] as const;
export type ExpiryWarning = (typeof EXPIRY_WARNING_DAYS)[number];

export type LicenceInput = {
	clinicianId: string;
	state: string;
	credential: string;
	number: string;
	status: string;
	pathway: string;
	issuedOn: string;
	expiresOn: string;
};

export type LicenceView = {
	id: string;
	clinicianId: string;
	clinicianName: string;
	state: string;
	credential: string;
	number: string;
	status: LicenseStatus;
	pathway: LicensePathway;
	issuedOn: string;
	expiresOn: string;
	/** Whole days from today (in the clinic's zone) to the expiry date; negative once expired. */
	daysLeft: number;
	/** The tightest warning threshold reached (60, 30 or 7), null when further off or expired. */
	warning: ExpiryWarning | null;
};

const DAY_MS = 86_400_000;

export function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The warning a licence expiring on `expiresOn` earns on `today`. */
export function expiryWarning(expiresOn: string, today: string): ExpiryWarning | null {
	const left = daysBetween(today, expiresOn);
	if (left < 0) return null;
	let warning: ExpiryWarning | null = null;
	for (const threshold of EXPIRY_WARNING_DAYS) if (left <= threshold) warning = threshold;
	return warning;
}

function isDay(value: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	const time = Date.parse(`${value}T00:00:00Z`);
	return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
}

/** What is wrong with a licence record, field by field (the form and each CSV row share it). */
export function licenceProblems(input: LicenceInput, prefix = ''): FieldIssue[] {
	const problems: FieldIssue[] = [];
	const issue = (field: string, key: string) => problems.push({ field: `${prefix}${field}`, key });
	if (!isStateCode(input.state)) issue('state', 'errors:field.state');
	if (!(CREDENTIALS as readonly string[]).includes(input.credential))
		issue('credential', 'errors:licence.credential');
	if (!/^[A-Za-z0-9][A-Za-z0-9 .\-/]{0,39}$/.test(input.number)) issue('number', 'errors:licence.number');
	if (!(LICENCE_STATUSES as readonly string[]).includes(input.status))
		issue('status', 'errors:licence.status');
	if (!(PATHWAYS as readonly string[]).includes(input.pathway)) issue('pathway', 'errors:licence.pathway');
	if (!isDay(input.issuedOn)) issue('issuedOn', 'errors:field.day');
	if (!isDay(input.expiresOn)) issue('expiresOn', 'errors:field.day');
	else if (isDay(input.issuedOn) && input.expiresOn <= input.issuedOn)
		issue('expiresOn', 'errors:licence.expires_before_issued');
	return problems;
}

/** A checked licence as its row (licenceProblems found nothing wrong with it). */
function licenceRow(input: LicenceInput, now: Date) {
	return {
		staff_id: input.clinicianId,
		state: input.state,
		credential: input.credential,
		number: input.number,
		status: input.status as LicenseStatus,
		pathway: input.pathway as LicensePathway,
		issued_on: input.issuedOn,
		expires_on: input.expiresOn,
		updated_at: now
	};
}

async function clinicianIn(db: Executor, organizationId: string, clinicianId: string) {
	return db
		.selectFrom('staff')
		.select(['id', 'display_name'])
		.where('id', '=', clinicianId)
		.where('organization_id', '=', organizationId)
		.executeTakeFirst();
}

/** The organization's licences with how soon each expires, for its admins. */
export async function listLicences(ctx: ServiceContext): Promise<LicenceView[]> {
	const admin = await requirePermission(ctx, 'licence.manage', {
		action: 'licence.list',
		resourceType: 'licence'
	});
	const organization = await readOrganization(ctx.db, admin.organizationId);
	const today = dayIn(ctx.clock.now(), organization.timeZone);
	const rows = await ctx.db
		.selectFrom('licenses as l')
		.innerJoin('staff as s', 's.id', 'l.staff_id')
		.select([
			'l.id',
			'l.staff_id',
			's.display_name',
			'l.state',
			'l.credential',
			'l.number',
			'l.status',
			'l.pathway',
			'l.issued_on',
			'l.expires_on'
		])
		.where('s.organization_id', '=', admin.organizationId)
		.orderBy('l.expires_on')
		.orderBy('s.display_name')
		.orderBy('l.state')
		.execute();
	return rows.map((r) => ({
		id: r.id,
		clinicianId: r.staff_id,
		clinicianName: r.display_name,
		state: r.state,
		credential: r.credential,
		number: r.number,
		status: r.status,
		pathway: r.pathway,
		issuedOn: r.issued_on,
		expiresOn: r.expires_on,
		daysLeft: daysBetween(today, r.expires_on),
		warning: r.status === 'active' ? expiryWarning(r.expires_on, today) : null
	}));
}

/** The organization's clinicians and nurses, whom licences belong to (for the admin page's picker). */
export async function licensableStaff(
	ctx: ServiceContext
): Promise<{ id: string; name: string; email: string }[]> {
	const admin = await requirePermission(ctx, 'licence.manage', {
		action: 'licence.list',
		resourceType: 'licence'
	});
	const rows = await ctx.db
		.selectFrom('staff')
		.select(['id', 'display_name', 'email', 'roles'])
		.where('organization_id', '=', admin.organizationId)
		.orderBy('display_name')
		.execute();
	return rows
		.filter((r) => r.roles.includes('clinician') || r.roles.includes('nurse'))
		.map((r) => ({ id: r.id, name: r.display_name, email: r.email }));
}

/**
 * Adds a licence, or changes one (`id`). One licence per clinician, state, credential and pathway:
 * a second is a 409 that names the fields.
 */
export async function saveLicence(
	ctx: ServiceContext,
	input: LicenceInput & { id?: string }
): Promise<{ id: string }> {
	const admin = await requirePermission(ctx, 'licence.manage', {
		action: input.id ? 'licence.update' : 'licence.create',
		resourceType: 'licence',
		resourceId: input.id ?? null
	});
	const problems = licenceProblems(input);
	if (!(await clinicianIn(ctx.db, admin.organizationId, input.clinicianId)))
		problems.unshift({ field: 'clinicianId', key: 'errors:licence.clinician' });
	if (problems.length) throw validationFailed(problems);
	const values = licenceRow(input, ctx.clock.now());
	try {
		return await ctx.db.transaction().execute(async (tx) => {
			let id: string;
			if (input.id) {
				const existing = await tx
					.selectFrom('licenses as l')
					.innerJoin('staff as s', 's.id', 'l.staff_id')
					.select('l.id')
					.where('l.id', '=', input.id)
					.where('s.organization_id', '=', admin.organizationId)
					.executeTakeFirst();
				if (!existing) throw new AppError('NOT_FOUND');
				await tx.updateTable('licenses').set(values).where('id', '=', input.id).execute();
				id = input.id;
			} else {
				id = (await tx.insertInto('licenses').values(values).returning('id').executeTakeFirstOrThrow()).id;
			}
			await ctx.audit.record(
				{
					action: input.id ? 'licence.update' : 'licence.create',
					resourceType: 'licence',
					resourceId: id,
					details: {
						state: input.state,
						credential: input.credential,
						status: input.status,
						pathway: input.pathway
					}
				},
				tx
			);
			return { id };
		});
	} catch (error) {
		if (violatedConstraint(error, 'unique')) {
			throw new AppError('CONFLICT', {}, [{ field: 'state', key: 'errors:licence.duplicate' }]);
		}
		throw error;
	}
}

/** Removes a licence entered by mistake (a lapsed one is kept, with its status, for the record). */
export async function removeLicence(ctx: ServiceContext, id: string): Promise<void> {
	const admin = await requirePermission(ctx, 'licence.manage', {
		action: 'licence.remove',
		resourceType: 'licence',
		resourceId: id
	});
	await ctx.db.transaction().execute(async (tx) => {
		const removed = await tx
			.deleteFrom('licenses')
			.where('id', '=', id)
			.where(
				'staff_id',
				'in',
				tx.selectFrom('staff').select('id').where('organization_id', '=', admin.organizationId)
			)
			.returning(['state', 'credential'])
			.executeTakeFirst();
		if (!removed) throw new AppError('NOT_FOUND');
		await ctx.audit.record(
			{ action: 'licence.remove', resourceType: 'licence', resourceId: id, details: { ...removed } },
			tx
		);
	});
}

/** The columns of a licence CSV, in any order; the header row names them. */
export const CSV_COLUMNS = [
	'clinician_email',
	'state',
	'credential',
	'number',
	'status',
	'pathway',
	'issued_on',
	'expires_on'
] as const;
const MAX_CSV_ROWS = 5_000;

export type ImportReport = { created: number; updated: number };

/**
 * Imports licences from CSV: every row is checked first and, if any is wrong, nothing is written and
 * the error lists each problem as `rows[<line>].<column>` (the line a spreadsheet shows). Otherwise
 * all rows are written in one transaction, a row for an existing clinician, state, credential and
 * pathway updating that licence.
 */
export async function importLicences(ctx: ServiceContext, csv: string): Promise<ImportReport> {
	const admin = await requirePermission(ctx, 'licence.manage', {
		action: 'licence.import',
		resourceType: 'licence'
	});
	let records;
	try {
		records = parseCsv(csv);
	} catch (error) {
		if (error instanceof CsvSyntaxError)
			throw validationFailed([{ field: `rows[${error.line}]`, key: 'errors:licence.csv_quote' }]);
		throw error;
	}
	const [header, ...rows] = records;
	const columns = header?.fields.map((f) => f.trim().toLowerCase()) ?? [];
	const missing = CSV_COLUMNS.filter((c) => !columns.includes(c));
	if (!header || missing.length) {
		throw validationFailed([
			{ field: 'file', key: 'errors:licence.csv_header', params: { columns: CSV_COLUMNS.join(',') } }
		]);
	}
	if (rows.length === 0) throw validationFailed([{ field: 'file', key: 'errors:licence.csv_empty' }]);
	if (rows.length > MAX_CSV_ROWS) {
		throw validationFailed([
			{ field: 'file', key: 'errors:licence.csv_too_many', params: { max: MAX_CSV_ROWS } }
		]);
	}
	const staff = await ctx.db
		.selectFrom('staff')
		.select(['id', 'email'])
		.where('organization_id', '=', admin.organizationId)
		.execute();
	const byEmail = new Map(staff.map((s) => [s.email.toLowerCase(), s.id]));
	const problems: FieldIssue[] = [];
	const inputs: LicenceInput[] = [];
	const seen = new Map<string, number>();
	for (const row of rows) {
		const cell = (name: (typeof CSV_COLUMNS)[number]) => (row.fields[columns.indexOf(name)] ?? '').trim();
		const prefix = `rows[${row.line}].`;
		const clinicianId = byEmail.get(cell('clinician_email').toLowerCase());
		if (!clinicianId) problems.push({ field: `${prefix}clinician_email`, key: 'errors:licence.clinician' });
		const input: LicenceInput = {
			clinicianId: clinicianId ?? '',
			state: cell('state').toUpperCase(),
			credential:
				CREDENTIALS.find((c) => c.toLowerCase() === cell('credential').toLowerCase()) ?? cell('credential'),
			number: cell('number'),
			status: cell('status').toLowerCase(),
			pathway: cell('pathway').toLowerCase() || 'state',
			issuedOn: cell('issued_on'),
			expiresOn: cell('expires_on')
		};
		const rowProblems = licenceProblems(input, prefix).map((p) => ({
			...p,
			field: p.field.replace(/\.(issuedOn|expiresOn)$/, (_, f: string) =>
				f === 'issuedOn' ? '.issued_on' : '.expires_on'
			)
		}));
		problems.push(...rowProblems);
		const key = [input.clinicianId, input.state, input.credential, input.pathway].join('|');
		const earlier = seen.get(key);
		if (clinicianId && earlier !== undefined) {
			problems.push({
				field: `rows[${row.line}]`,
				key: 'errors:licence.csv_repeated',
				params: { line: earlier }
			});
		} else seen.set(key, row.line);
		inputs.push(input);
	}
	if (problems.length) throw validationFailed(problems);

	const now = ctx.clock.now();
	return ctx.db.transaction().execute(async (tx) => {
		let created = 0;
		let updated = 0;
		for (const input of inputs) {
			const result = await tx
				.insertInto('licenses')
				.values({ ...licenceRow(input, now), created_at: now })
				.onConflict((oc) =>
					oc.columns(['staff_id', 'state', 'credential', 'pathway']).doUpdateSet((eb) => ({
						number: eb.ref('excluded.number'),
						status: eb.ref('excluded.status'),
						issued_on: eb.ref('excluded.issued_on'),
						expires_on: eb.ref('excluded.expires_on'),
						updated_at: now
					}))
				)
				// xmax is 0 on a row this statement inserted, the updating transaction's id on one it updated.
				.returning(sql<boolean>`(xmax = 0)`.as('inserted'))
				.executeTakeFirstOrThrow();
			if (result.inserted) created++;
			else updated++;
		}
		await ctx.audit.record(
			{ action: 'licence.import', resourceType: 'licence', details: { created, updated } },
			tx
		);
		return { created, updated };
	});
}
