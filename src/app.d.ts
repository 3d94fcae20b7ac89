import type { TFunction } from 'i18next';
import type { AuditOrigin } from '$lib/server/platform/audit/audit';
import type { Actor } from '$lib/server/platform/context';
import type { Runtime } from '$lib/server/platform/runtime';
import type { Authenticated } from '$lib/server/identity/authenticate';

declare global {
	namespace App {
		interface Error {
			message: string;
			code?: string;
			errorId?: string;
		}
		interface Locals {
			requestId: string;
			/** Client address, user agent and request id, as the audit log records them. */
			origin: AuditOrigin;
			lang: string;
			dir: 'ltr' | 'rtl';
			t: TFunction;
			actor: Actor;
			/** The signed-in staff member and their session, or null. */
			auth: Authenticated | null;
			/** This browser held a guest session whose visit has ended (or that the host withdrew). */
			guestEnded?: boolean;
			/** Undefined only while prerendering at build time. */
			runtime: Runtime | undefined;
		}
	}
}

export {};
