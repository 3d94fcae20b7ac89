import type { Kysely } from 'kysely';
import type { Database, Modality, VisitService } from '../platform/schema';

type Executor = Kysely<Database>;

export type VisitType = {
	id: string;
	code: string;
	service: VisitService;
	durationMinutes: number;
	bufferMinutes: number;
	modalities: Modality[];
};

export async function listVisitTypes(db: Executor, organizationId: string): Promise<VisitType[]> {
	const rows = await db
		.selectFrom('visit_types')
		.selectAll()
		.where('organization_id', '=', organizationId)
		.where('active', '=', true)
		.orderBy('duration_minutes')
		.orderBy('code')
		.execute();
	return rows.map((r) => ({
		id: r.id,
		code: r.code,
		service: r.service,
		durationMinutes: r.duration_minutes,
		bufferMinutes: r.buffer_minutes,
		modalities: r.modalities
	}));
}

/** A visit type of the organization by id or by code, or undefined. */
export async function findVisitType(
	db: Executor,
	organizationId: string,
	idOrCode: string
): Promise<VisitType | undefined> {
	const all = await listVisitTypes(db, organizationId);
	return all.find((v) => v.id === idOrCode || v.code === idOrCode);
}
