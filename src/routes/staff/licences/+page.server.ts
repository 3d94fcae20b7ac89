import { redirect } from '@sveltejs/kit';
import {
	CREDENTIALS,
	CSV_COLUMNS,
	LICENCE_STATUSES,
	PATHWAYS,
	importLicences,
	licensableStaff,
	listLicences,
	removeLicence,
	saveLicence
} from '$lib/server/licensure/records';
import { CSV_MAX_BYTES, LicenceBody } from '$lib/server/licensure/schema';
import { serviceContext } from '$lib/server/platform/http/access';
import { requireRuntime } from '$lib/server/platform/http/api';
import { formFailure, formText } from '$lib/server/platform/http/forms';
import { pageError } from '$lib/server/platform/http/problems';
import { parseInput, uuid } from '$lib/server/platform/http/validation';
import { AppError } from '$lib/server/platform/errors';
import { STATE_TIME_ZONES } from '$lib/server/scheduling/states';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

// Licences decide whom a clinician may see: a signed-in admin only, even outside production.
export const load: PageServerLoad = async (event) => {
	if (event.locals.actor.kind !== 'staff') redirect(303, '/staff/sign-in');
	try {
		const ctx = context(event);
		const licences = await listLicences(ctx);
		const editing = event.url.searchParams.get('edit');
		return {
			licences,
			clinicians: await licensableStaff(ctx),
			editing: licences.find((l) => l.id === editing) ?? null,
			states: Object.keys(STATE_TIME_ZONES).sort(),
			credentials: CREDENTIALS,
			statuses: LICENCE_STATUSES,
			pathways: PATHWAYS,
			csvColumns: CSV_COLUMNS.join(',')
		};
	} catch (e) {
		pageError(event, e);
	}
};

const context = (event: RequestEvent) => serviceContext(requireRuntime(event.locals), event.locals);
const FIELDS = [
	'id',
	'clinicianId',
	'state',
	'credential',
	'number',
	'status',
	'pathway',
	'issuedOn',
	'expiresOn'
] as const;

export const actions: Actions = {
	save: async (event) => {
		const form = await event.request.formData();
		const echo = Object.fromEntries(FIELDS.map((f) => [f, formText(form, f)])) as Record<
			(typeof FIELDS)[number],
			string
		>;
		try {
			const input = parseInput(LicenceBody, echo);
			const id = echo.id ? parseInput(uuid, echo.id) : undefined;
			await saveLicence(context(event), { ...input, ...(id ? { id } : {}) });
			return { saved: true };
		} catch (e) {
			return formFailure(event, e, echo);
		}
	},
	remove: async (event) => {
		try {
			const id = parseInput(uuid, formText(await event.request.formData(), 'id'));
			await removeLicence(context(event), id);
			return { removed: true };
		} catch (e) {
			return formFailure(event, e);
		}
	},
	import: async (event) => {
		try {
			const file = (await event.request.formData()).get('file');
			if (!(file instanceof File) || file.size === 0) {
				throw new AppError('VALIDATION', {}, [{ field: 'file', key: 'errors:licence.csv_empty' }]);
			}
			if (file.size > CSV_MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', { max: CSV_MAX_BYTES });
			const report = await importLicences(context(event), await file.text());
			return { imported: report };
		} catch (e) {
			return formFailure(event, e, { importFailed: 'true' });
		}
	}
};
