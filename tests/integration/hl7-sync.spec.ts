import { Hl7Message } from '@medplum/core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Server } from 'node-hl7-server';
import { afterEach, describe, expect, test } from 'vitest';
import { seedDemoData } from '../../src/lib/server/demo/seed';
import { enqueueSignedDocument } from '../../src/lib/server/ehr/documents';
import { hl7Transport } from '../../src/lib/server/ehr/hl7';
import { createOutboxWorker } from '../../src/lib/server/platform/outbox/worker';
import {
	bookAppointment,
	cancelAppointment,
	rescheduleAppointment
} from '../../src/lib/server/scheduling/booking';
import { searchSlots } from '../../src/lib/server/scheduling/queries';
import { startSandboxMllp } from '../../src/sandbox-ehr/mllp';
import { patientNamed, signedNote, staffActorFor } from '../factories';
import { captureLogger, testContext, testPhiCipher } from '../helpers/context';
import { DATABASE_KINDS, useTestDatabase } from '../helpers/db';

const NOW = '2026-11-30T15:00:00Z';
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
	for (const close of closers.splice(0)) await close();
});
let nextPort = 26_000 + Math.floor(Math.random() * 2000);

describe.each(DATABASE_KINDS)('scheduling messages reach the interface engine over MLLP on %s', (kind) => {
	const database = useTestDatabase(kind);
	const phi = testPhiCipher();

	async function setup(answer?: 'AR') {
		const db = database().db;
		await seedDemoData(db, phi, new Date('2026-11-23T12:00:00Z'));
		const port = nextPort++;
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anyvisit-hl7-'));
		let received: () => { text: string }[] = () => [];
		if (answer) {
			const server = new Server({ bindAddress: '127.0.0.1' });
			const inbound = server.createInbound({ port }, (_req, res) => {
				void res.sendResponse(answer).catch(() => undefined);
			});
			await new Promise<void>((resolve) => inbound.on('listen', () => resolve()));
			closers.push(() => inbound.close());
		} else {
			const listener = await startSandboxMllp({ port, logFile: path.join(dir, 'hl7.ndjson') });
			received = listener.messages;
			closers.push(() => listener.close());
		}
		closers.push(() => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })));
		const scheduler = testContext(db, {
			phi,
			actor: await staffActorFor(db, 'scheduler@demo.anyvisit.test'),
			now: NOW
		});
		const worker = createOutboxWorker({
			db,
			clock: scheduler.clock,
			phi,
			logger: captureLogger().logger,
			transports: [
				hl7Transport({
					db,
					phi,
					clock: scheduler.clock,
					peer: { host: '127.0.0.1', port, timeoutMs: 3000 },
					receiving: { application: 'EHR', facility: 'RIVERBEND' },
					mrnAuthority: 'RIVERBEND'
				})
			],
			batchSize: 20,
			pollMs: 50
		});
		const rosa = await patientNamed(db, phi, 'Rosa');
		const [slot] = await searchSlots(scheduler.ctx, {
			patientState: 'TX',
			from: '2026-12-02',
			to: '2026-12-02',
			modality: 'video',
			limit: 1
		});
		const { appointment } = await bookAppointment(
			scheduler.ctx,
			{ patientId: rosa.id, slotId: slot!.id, modality: 'video', patientState: 'TX' },
			{ idempotencyKey: 'hl7-1' }
		);
		const hl7Outbox = () =>
			db
				.selectFrom('outbox')
				.select(['id', 'status', 'last_error'])
				.where('channel', '=', 'hl7v2')
				.orderBy('created_at')
				.execute();
		return { db, scheduler, worker, appointment, slotId: slot!.id, received, hl7Outbox };
	}

	test('a booking, a reschedule and a cancellation arrive as SIU^S12, S13 and S15, each acknowledged', async () => {
		const t = await setup();
		await t.worker.drain();
		const [later] = await searchSlots(t.scheduler.ctx, {
			patientState: 'TX',
			from: '2026-12-03',
			to: '2026-12-03',
			modality: 'video',
			limit: 1
		});
		await rescheduleAppointment(t.scheduler.ctx, t.appointment.id, { slotId: later!.id });
		await t.worker.drain();
		await cancelAppointment(t.scheduler.ctx, t.appointment.id, { reason: 'patient_request' });
		await t.worker.drain();

		const outbox = await t.hl7Outbox();
		expect(outbox.map((o) => o.status)).toEqual(['delivered', 'delivered', 'delivered']);
		const messages = t.received().map((m) => Hl7Message.parse(m.text));
		expect(messages.map((m) => m.header.getField(9).getComponent(2))).toEqual(['S12', 'S13', 'S15']);
		// The control id is the outbox id, stable across retries.
		expect(messages.map((m) => m.header.getField(10).toString())).toEqual(outbox.map((o) => o.id));
		const booked = messages[0]!;
		expect(booked.getSegment('SCH')!.getField(1).getComponent(1)).toBe(t.appointment.id);
		expect(booked.getSegment('PID')!.getField(3).getComponent(1, undefined, 0)).toBe('RB100001');
		expect(booked.getSegment('PID')!.getField(5).toString()).toBe('Hernández^Rosa');
		const clinician = await t.db
			.selectFrom('staff')
			.select('npi')
			.where('id', '=', t.appointment.clinicianId)
			.executeTakeFirstOrThrow();
		expect(booked.getSegment('AIP')!.getField(3).getComponent(1)).toBe(clinician.npi);
		expect(messages[1]!.getSegment('SCH')!.getField(11).getComponent(4)).toBe(
			`${later!.start.toISOString().replace(/[-:T]/g, '').slice(0, 14)}+0000`
		);
		expect(messages[2]!.getSegment('SCH')!.getField(25).toString()).toBe('Cancelled');
	});

	test('a change of details at the same time (video to audio) is an SIU^S14', async () => {
		const t = await setup();
		await rescheduleAppointment(t.scheduler.ctx, t.appointment.id, {
			slotId: t.slotId,
			modality: 'audio'
		});
		await t.worker.drain();
		const events = t.received().map((m) => Hl7Message.parse(m.text).header.getField(9).getComponent(2));
		expect(events).toEqual(['S12', 'S14']);
		const ais = Hl7Message.parse(t.received()[1]!.text).getSegment('AIS')!;
		expect(ais.getField(3).getComponent(2)).toBe('audio');
	});

	test('a signed note arrives as MDM^T02 with its text, once, even if it is queued twice', async () => {
		const t = await setup();
		const document = signedNote(t.appointment, 'Plan: recheck | 3 months');
		for (let i = 0; i < 2; i++)
			await t.db
				.transaction()
				.execute((tx) => enqueueSignedDocument(tx, phi, document, t.scheduler.clock.now()));
		await t.worker.drain();
		const mdm = t
			.received()
			.map((m) => Hl7Message.parse(m.text))
			.filter((m) => m.header.getField(9).getComponent(1) === 'MDM');
		expect(mdm).toHaveLength(1);
		expect(mdm[0]!.header.getField(9).toString()).toBe('MDM^T02^MDM_T02');
		expect(mdm[0]!.getSegment('TXA')!.getField(12).getComponent(1)).toBe(document.id);
		expect(mdm[0]!.getSegment('PID')!.getField(3).getComponent(1, undefined, 0)).toBe('RB100001');
		expect(mdm[0]!.getAllSegments('OBX').map((o) => o.getField(5).toString())).toEqual([
			'S: Doing well.',
			'Plan: recheck \\F\\ 3 months'
		]);
		expect((await t.hl7Outbox()).every((o) => o.status === 'delivered')).toBe(true);
	});

	test('a receiver that rejects (AR) makes a dead letter at once, naming only the code', async () => {
		const t = await setup('AR');
		await t.worker.drain();
		const [message] = await t.hl7Outbox();
		expect(message).toMatchObject({ status: 'dead' });
		expect(message!.last_error).toBe('The HL7 receiver rejected the message (AR)');
	});

	test('no listener: the message waits for a retry and nothing is lost', async () => {
		const t = await setup();
		for (const close of closers.splice(0, 1)) await close();
		await t.worker.drain();
		const [message] = await t.hl7Outbox();
		expect(message?.status).toBe('pending');
		expect(message?.last_error).toMatch(/could not be reached|did not acknowledge/);
	});
});
