import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** Liveness: the process is up. */
export const GET: RequestHandler = () => json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
