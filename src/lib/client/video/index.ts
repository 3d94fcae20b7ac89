import type { CallSession, ClientGrant, ConnectOptions } from './types';

/** Starts the call with the provider the server chose; each provider's code (and SDK) loads only now. */
export async function startCall(grant: ClientGrant, options: ConnectOptions): Promise<CallSession> {
	if (grant.provider === 'twilio') return (await import('./twilio')).connectTwilio(grant, options);
	return (await import('./p2p')).connectP2p(grant, options);
}
