import type { Kysely } from 'kysely';
import { LANGUAGE_CODES } from '$lib/i18n/languages';
import { sha256Hex } from '../platform/crypto/hash';
import { tFor } from '../platform/i18n';
import type { ConsentKind, Database } from '../platform/schema';

type Executor = Kysely<Database>;

export type ConsentTemplate = {
	id: string;
	kind: ConsentKind;
	language: string;
	state: string | null;
	version: number;
	title: string;
	body: string;
	contentHash: string;
	effectiveFrom: Date;
};

/** The hash a signature binds to: the exact title and text the patient was shown. */
export function consentContentHash(title: string, body: string): string {
	return sha256Hex(`${title}\n\n${body}`);
}

/**
 * What a telehealth consent covers (DOMAIN.md, Consent): the nature of telehealth and the modality,
 * identity and location, risks, a dropped connection, alternatives and the right to refuse, who is
 * present and the recording policy, privacy and sharing, costs, emergencies, and how long it lasts.
 */
export const TELEHEALTH_CLAUSES = [
	'nature',
	'identity_location',
	'risks',
	'dropped',
	'alternatives',
	'present',
	'privacy',
	'costs',
	'emergency',
	'duration'
] as const;

/** The clinic's standard templates in every language, from locales/<lang>/consent.json. */
export function standardTemplateText(kind: ConsentKind, language: string): { title: string; body: string } {
	const t = tFor(language);
	if (kind === 'recording') return { title: t('consent:recording.title'), body: t('consent:recording.body') };
	return {
		title: t('consent:telehealth.title'),
		body: TELEHEALTH_CLAUSES.map((clause) => t(`consent:telehealth.${clause}`)).join('\n\n')
	};
}

/** Adds a template version (the next for its kind, language and state); versions are never edited. */
export async function addTemplateVersion(
	db: Executor,
	template: {
		organizationId: string;
		kind: ConsentKind;
		language: string;
		state: string | null;
		title: string;
		body: string;
		effectiveFrom: Date;
	}
): Promise<ConsentTemplate> {
	const latest = await db
		.selectFrom('consent_templates')
		.select((eb) => eb.fn.max('version').as('version'))
		.where('organization_id', '=', template.organizationId)
		.where('kind', '=', template.kind)
		.where('language', '=', template.language)
		.where((eb) => (template.state === null ? eb('state', 'is', null) : eb('state', '=', template.state)))
		.executeTakeFirst();
	const row = await db
		.insertInto('consent_templates')
		.values({
			organization_id: template.organizationId,
			kind: template.kind,
			language: template.language,
			state: template.state,
			version: (latest?.version ?? 0) + 1,
			title: template.title,
			body: template.body,
			content_hash: consentContentHash(template.title, template.body),
			effective_from: template.effectiveFrom
		})
		.returningAll()
		.executeTakeFirstOrThrow();
	return toTemplate(row);
}

/** Seeds the standard templates (telehealth and recording, every language) for a clinic without any. */
export async function seedStandardTemplates(
	db: Executor,
	organizationId: string,
	now: Date
): Promise<number> {
	const any = await db
		.selectFrom('consent_templates')
		.select('id')
		.where('organization_id', '=', organizationId)
		.executeTakeFirst();
	if (any) return 0;
	let added = 0;
	for (const kind of ['telehealth', 'recording'] as const)
		for (const language of LANGUAGE_CODES) {
			await addTemplateVersion(db, {
				organizationId,
				kind,
				language,
				state: null,
				...standardTemplateText(kind, language),
				effectiveFrom: now
			});
			added++;
		}
	return added;
}

function toTemplate(row: {
	id: string;
	kind: ConsentKind;
	language: string;
	state: string | null;
	version: number;
	title: string;
	body: string;
	content_hash: string;
	effective_from: Date;
}): ConsentTemplate {
	return {
		id: row.id,
		kind: row.kind,
		language: row.language,
		state: row.state,
		version: row.version,
		title: row.title,
		body: row.body,
		contentHash: row.content_hash,
		effectiveFrom: row.effective_from
	};
}

/**
 * The template in force for a patient: the newest effective version for their language and the state
 * they are in (a state's own template before the general one), else the clinic's English one.
 */
export async function currentTemplate(
	db: Executor,
	query: { organizationId: string; kind: ConsentKind; language: string; state: string | null; now: Date }
): Promise<ConsentTemplate | undefined> {
	const rows = await db
		.selectFrom('consent_templates')
		.selectAll()
		.where('organization_id', '=', query.organizationId)
		.where('kind', '=', query.kind)
		.where('language', 'in', [query.language, 'en'])
		.where('effective_from', '<=', query.now)
		.where((eb) =>
			query.state ? eb.or([eb('state', 'is', null), eb('state', '=', query.state)]) : eb('state', 'is', null)
		)
		.execute();
	const rank = (r: (typeof rows)[number]) => (r.language === query.language ? 2 : 0) + (r.state ? 1 : 0);
	const best = rows.sort((a, b) => rank(b) - rank(a) || b.version - a.version)[0];
	return best ? toTemplate(best) : undefined;
}

export async function readTemplate(db: Executor, id: string): Promise<ConsentTemplate | undefined> {
	const row = await db.selectFrom('consent_templates').selectAll().where('id', '=', id).executeTakeFirst();
	return row ? toTemplate(row) : undefined;
}
