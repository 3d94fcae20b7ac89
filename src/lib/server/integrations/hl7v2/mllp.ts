import Client, { Message } from 'node-hl7-client';
import { readAck } from './er7';

export type MllpPeer = { host: string; port: number; timeoutMs?: number };
export type Ack = ReturnType<typeof readAck>;

/**
 * Sends one HL7 message over MLLP (node-hl7-client does the framing) and waits for its ACK: the
 * MSA code and the control id it answers. One connection per message, closed afterwards; no answer
 * within the timeout, or a connection that fails, is an error for the caller to retry.
 */
export async function sendOverMllp(peer: MllpPeer, er7: string): Promise<Ack> {
	// Every message AnyVisit sends is v2.5.1 (siu.ts); the client checks MSH-12 against it.
	const version = '2.5.1' as const;
	const client = new Client({ host: peer.host, version });
	let settle: { resolve: (ack: Ack) => void; reject: (error: Error) => void } | undefined;
	const answered = new Promise<Ack>((resolve, reject) => {
		settle = { resolve, reject };
	});
	const connection = client.createConnection(
		{ port: peer.port, version, waitAck: true, maxConnectionAttempts: 1 },
		(response) => {
			settle?.resolve(readAck(response.getMessage().toString()));
			return Promise.resolve();
		}
	);
	connection.on('client.error', (error: unknown) => {
		settle?.reject(
			new Error(
				`The HL7 peer could not be reached: ${error instanceof Error ? error.message : String(error)}`
			)
		);
	});
	const timer = setTimeout(
		() => settle?.reject(new Error('The HL7 peer did not acknowledge in time')),
		peer.timeoutMs ?? 10_000
	);
	try {
		await connection.sendMessage(new Message({ text: er7 }));
		return await answered;
	} finally {
		clearTimeout(timer);
		await connection.close().catch(() => undefined);
	}
}
