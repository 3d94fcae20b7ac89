import {
	MemoryRepository,
	type CreateResourceOptions,
	type UpdateResourceOptions
} from '@medplum/fhir-router';
import type { Resource } from '@medplum/fhirtypes';
import fs from 'node:fs';
import path from 'node:path';

type Entry = { op: 'put'; resource: Resource & { id: string } } | { op: 'delete'; type: string; id: string };

/**
 * Medplum's in-memory FHIR repository, made durable: every write is appended to a journal (one JSON
 * line per change) and the journal is replayed, compacted, when the sandbox starts, so resources keep
 * their ids, versions and timestamps across restarts.
 */
export class JournalRepository extends MemoryRepository {
	private replaying = false;

	private constructor(private readonly file: string) {
		super();
	}

	static async open(file: string): Promise<JournalRepository> {
		fs.mkdirSync(path.dirname(file), { recursive: true });
		const repo = new JournalRepository(file);
		if (!fs.existsSync(file)) return repo;
		const latest = new Map<string, Resource & { id: string }>();
		for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
			if (!line.trim()) continue;
			let entry: Entry;
			try {
				entry = JSON.parse(line) as Entry;
			} catch {
				continue; // a line cut short by a crash mid-write: the change before it stands
			}
			if (entry.op === 'put')
				latest.set(`${entry.resource.resourceType}/${entry.resource.id}`, entry.resource);
			else latest.delete(`${entry.type}/${entry.id}`);
		}
		repo.replaying = true;
		try {
			await repo.withSeeding(async () => {
				for (const resource of latest.values()) await repo.createResource(resource, { assignedId: true });
			});
		} finally {
			repo.replaying = false;
		}
		// Rewrite the journal compacted (one line a resource), atomically.
		const compacted = [...latest.values()]
			.map((resource) => JSON.stringify({ op: 'put', resource }))
			.join('\n');
		fs.writeFileSync(`${file}.tmp`, compacted ? `${compacted}\n` : '');
		fs.renameSync(`${file}.tmp`, file);
		return repo;
	}

	private append(entry: Entry): void {
		if (!this.replaying) fs.appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
	}

	override async createResource<T extends Resource>(
		resource: T,
		options?: CreateResourceOptions,
		update?: boolean
	) {
		const created = await super.createResource(resource, options, update);
		this.append({ op: 'put', resource: created });
		return created;
	}

	override async updateResource<T extends Resource>(resource: T, options?: UpdateResourceOptions) {
		const updated = await super.updateResource(resource, options);
		this.append({ op: 'put', resource: updated });
		return updated;
	}

	override async patchResource<T extends Resource>(
		resourceType: T['resourceType'],
		id: string,
		patch: Parameters<MemoryRepository['patchResource']>[2],
		options?: UpdateResourceOptions
	) {
		const patched = await super.patchResource<T>(resourceType, id, patch, options);
		this.append({ op: 'put', resource: patched });
		return patched;
	}

	override async deleteResource(
		resourceType: string,
		id: string,
		options?: Parameters<MemoryRepository['deleteResource']>[2]
	) {
		await super.deleteResource(resourceType, id, options);
		this.append({ op: 'delete', type: resourceType, id });
	}
}
