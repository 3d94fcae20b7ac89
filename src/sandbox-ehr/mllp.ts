import fs from 'node:fs';
import path from 'node:path';
import { Server } from 'node-hl7-server';

export type ReceivedHl7 = { receivedAt: string; type: string; controlId: string; text: string };

/**
 * The sandbox's HL7 v2 listener (MLLP, framing by node-hl7-server): it acknowledges every well-formed
 * message with AA and keeps it, in memory and in a journal beside the FHIR data, for the clinic's
 * staff (and tests) to see what an interface engine would have received.
 */
export async function startSandboxMllp(options: { port: number; logFile: string; host?: string }) {
	fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
	const received: ReceivedHl7[] = fs.existsSync(options.logFile)
		? fs
				.readFileSync(options.logFile, 'utf8')
				.split('\n')
				.filter(Boolean)
				.flatMap((line) => {
					try {
						return [JSON.parse(line) as ReceivedHl7];
					} catch {
						return [];
					}
				})
		: [];
	const server = new Server({ bindAddress: options.host ?? '127.0.0.1' });
	const inbound = server.createInbound({ port: options.port }, (req, res) => {
		const text = req.getMessage().toString();
		// MSH-9 and MSH-10 whole (the MSH field separator is MSH-1, so MSH-n is split index n - 1).
		const msh = text.split(/\r\n?|\n/)[0]?.split('|') ?? [];
		const entry: ReceivedHl7 = {
			receivedAt: new Date().toISOString(),
			type: msh[8] ?? '',
			controlId: msh[9] ?? '',
			text
		};
		received.push(entry);
		fs.appendFileSync(options.logFile, `${JSON.stringify(entry)}\n`);
		void res.sendResponse('AA').catch(() => undefined);
	});
	// Ready once the socket listens (node-hl7-server's 'listen' event).
	await new Promise<void>((resolve) => inbound.on('listen', () => resolve()));
	return {
		messages: (): ReceivedHl7[] => [...received],
		close: () => inbound.close()
	};
}
