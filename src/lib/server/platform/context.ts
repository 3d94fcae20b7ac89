import type { Logger } from 'pino';
import type { Auditor } from './audit/audit';
import type { PhiCipher } from './crypto/phi';
import type { Clock } from './clock';
import type { Db } from './db';

/**
 * Who is acting. Staff and patient sessions arrive with Foundation 2; until then the only
 * interactive actor is the development operator, which exists only outside production.
 */
export type Actor =
	| { kind: 'system' }
	| { kind: 'anonymous' }
	| { kind: 'dev-operator' }
	| { kind: 'staff'; id: string; organizationId: string; roles: string[] }
	| { kind: 'patient'; id: string; organizationId: string }
	/** Someone invited into one visit (an interpreter, a caregiver, another clinician), by its link. */
	| { kind: 'guest'; id: string; organizationId: string; appointmentId: string };

/** What every service receives: so tests run it against a real database with a fixed clock. */
export type ServiceContext = {
	db: Db;
	clock: Clock;
	actor: Actor;
	audit: Auditor;
	phi: PhiCipher;
	logger: Logger;
};
