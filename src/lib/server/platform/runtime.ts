import type { Logger } from 'pino';
import { demoBilling, seedDemoData, isDatabaseEmpty } from '../demo/seed';
import { seedStandardTemplates } from '../previsit/templates';
import { seedDemoCoverages } from '../eligibility/demo';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { openDatabase, type Db, type DatabaseHandle } from './db';
import { createPhiCipher, type PhiCipher } from './crypto/phi';
import { loadKeyring } from './crypto/keyring';
import { acquireEmbeddedLock } from './lock';
import { createLogger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { migrateToLatest } from './migrate';
import { syncCompactMemberships } from '../licensure/repository';
import { sendLicenceExpiryNotices } from '../licensure/expiry-notices';
import { dispatchDueMessages } from '../scheduling/messages';
import { recordDeliveryOutcome } from '../scheduling/delivery-status';
import { createTwilioClient } from '../integrations/twilio/client';
import { twilioSmsTransport } from '../integrations/twilio/messaging';
import { twilioVoiceTransport } from '../integrations/twilio/voice';
import { smtpEmailTransport } from '../integrations/smtp/email';
import { devSinkTransport } from './outbox/dev-sink';
import { createFhirClient } from '../integrations/fhir/client';
import type { EhrSyncDeps } from '../ehr/sync';
import { loadClientKey } from '../integrations/fhir/client-key';
import { ehrTransport } from '../ehr/outbox';
import { hl7Transport } from '../ehr/hl7';
import { pollEhrAppointments } from '../ehr/inbound';
import type { EligibilityDeps } from '../eligibility/service';
import {
	httpClearinghouse,
	sandboxClearinghouse,
	type Clearinghouse
} from '../integrations/x12/clearinghouse';
import { claimsTransport } from '../billing/claims';
import type { Transport } from './outbox/transport';
import { createOutboxWorker, type OutboxWorker } from './outbox/worker';
import { createEventBus, type EventBus } from './events';
import type { VideoProvider } from '../integrations/video/provider';
import type { PhoneLine } from '../integrations/phone/provider';
import { simulatedPhoneLine } from '../integrations/phone/simulated';
import { twilioPhoneLine } from '../integrations/phone/twilio';
import { p2pVideoProvider } from '../integrations/video/p2p';
import { twilioVideoProvider } from '../integrations/video/twilio';

export type Runtime = {
	config: Config;
	db: Db;
	databaseKind: DatabaseHandle['kind'];
	clock: Clock;
	logger: Logger;
	metrics: Metrics;
	phi: PhiCipher;
	outbox: OutboxWorker;
	/** Insurance eligibility through the clearinghouse (null in production without one). */
	eligibility: EligibilityDeps | null;
	/** The EHR for what staff wait on (charts, patient search; short timeouts), or null when none is configured (production). */
	ehr: { interactive: EhrSyncDeps } | null;
	/** Wakes the visit rooms and waiting lists this instance serves when another changes them. */
	events: EventBus;
	/** Carries the visits' media: Twilio Video, or browser to browser. */
	video: VideoProvider;
	/** Calls placed into visits: Twilio, else the development simulator's carrier (never in production). */
	phone: PhoneLine | null;
	close(): Promise<void>;
};

/**
 * The person-facing transports: Twilio for texts and calls and an SMTP relay for email once they are
 * configured, the development outbox until then (never in production, where an unconfigured channel
 * leaves its messages as dead letters for staff to see).
 */
function personTransports(config: Config, db: Db, clock: Clock, phi: PhiCipher): Transport[] {
	const transports: Transport[] = [];
	const fallback = (channel: 'sms' | 'email' | 'voice') => {
		if (config.env !== 'production') transports.push(devSinkTransport(channel, db, clock, phi));
	};
	if (config.twilio) {
		const client = createTwilioClient(config.twilio);
		const base = publicBaseUrl(config);
		transports.push(twilioSmsTransport(config.twilio, client, `${base}/telephony/sms/status`));
		transports.push(
			twilioVoiceTransport(
				config.twilio,
				client,
				`${base}/telephony/voice/status`,
				(id) => `${base}/telephony/voice/reminder?message=${id}`
			)
		);
	} else {
		fallback('sms');
		fallback('voice');
	}
	if (config.smtp) transports.push(smtpEmailTransport(config.smtp));
	else fallback('email');
	return transports;
}

/**
 * The EHR: the configured one, or the sandbox EHR (which `npm start` runs beside the app) with the
 * embedded client key; none in production without an EHR configured. Syncing (through the outbox)
 * retries patiently; reading a chart for a clinician waits 4 s at most and shows what arrived.
 */
async function connectEhr(config: Config, db: Db, clock: Clock, phi: PhiCipher, logger: Logger) {
	const settings = config.fhir;
	if (!settings) return null;
	const key = await loadClientKey({ privateKeyPem: settings.privateKeyPem, dataDir: config.dataDir });
	const deps = (timeoutMs: number, maxRetries: number, component: string): EhrSyncDeps => ({
		db,
		phi,
		clock,
		logger: logger.child({ component }),
		fhir: createFhirClient({
			baseUrl: settings.baseUrl,
			clientId: settings.clientId,
			key,
			timeoutMs,
			maxRetries
		}),
		baseUrl: publicBaseUrl(config),
		mrnSystem: settings.mrnSystem
	});
	return { sync: deps(10_000, 1, 'ehr-sync'), chart: deps(4_000, 0, 'ehr-chart') };
}

/**
 * Opens the database (taking the embedded lock), migrates, seeds an empty embedded database with
 * demo data, and starts the outbox worker. The server and the CLI tools both start here.
 */
/** The URL put into messages: PUBLIC_BASE_URL, or this server on localhost. */
export function publicBaseUrl(config: Config): string {
	return (config.publicBaseUrl ?? `http://localhost:${config.port}`).replace(/\/$/, '');
}

/** The clearinghouse for eligibility checks and claims: the configured one, or the sandbox outside production. */
function eligibilityDeps(
	config: Config,
	clock: Clock
): (EligibilityDeps & { clearinghouse: Clearinghouse }) | null {
	const settings = config.clearinghouse;
	if (!settings) return null;
	const clearinghouse =
		settings.kind === 'http'
			? httpClearinghouse({
					url: settings.url,
					username: settings.username,
					password: settings.password,
					clock
				})
			: sandboxClearinghouse({ clock });
	return {
		clearinghouse,
		sender: settings.sender,
		receiver: settings.receiver,
		telehealthServiceTypes: settings.telehealthServiceTypes,
		usage: config.env === 'production' ? 'P' : 'T'
	};
}

/** How often licence expiry notices are looked for (each is sent once; a day's delay is harmless). */
const LICENCE_NOTICE_INTERVAL_MS = 60 * 60_000;

export async function startRuntime(
	config: Config,
	options: { logger?: Logger; clock?: Clock; worker?: boolean } = {}
): Promise<Runtime> {
	const logger = options.logger ?? createLogger({ level: config.logLevel });
	const clock = options.clock ?? systemClock;
	const lock = config.databaseUrl ? undefined : acquireEmbeddedLock(config.dataDir);
	let handle: DatabaseHandle | undefined;
	let phi: PhiCipher;
	try {
		phi = createPhiCipher(loadKeyring({ ...config.keys, dataDir: config.dataDir }));
		handle = await openDatabase({
			databaseUrl: config.databaseUrl,
			dataDir: config.dataDir,
			onPoolError: (error) => logger.warn({ err: error.message }, 'an idle database connection failed')
		});
		const applied = await migrateToLatest(handle.db);
		if (applied.length) logger.info({ migrations: applied }, 'database migrated');
		await syncCompactMemberships(handle.db);
		if (handle.kind === 'pglite' && config.seedDemoData && (await isDatabaseEmpty(handle.db))) {
			const result = await seedDemoData(handle.db, phi, clock.now());
			logger.info({ staff: result.staff, patients: result.patients }, 'demo data seeded');
		}
		if (handle.kind === 'pglite' && config.seedDemoData) {
			// Demo data seeded before the pre-visit issue gets its consent templates now.
			for (const { id } of await handle.db.selectFrom('organizations').select('id').execute()) {
				await seedStandardTemplates(handle.db, id, clock.now());
				// Demo data seeded before claims went out gets the demo clinic's billing identity.
				await handle.db
					.updateTable('organizations')
					.set(demoBilling())
					.where('id', '=', id)
					.where('billing_npi', 'is', null)
					.execute();
				await seedDemoCoverages(handle.db, phi, id, clock.now());
			}
		}
	} catch (error) {
		await handle?.close();
		lock?.release();
		throw error;
	}
	const db = handle.db;
	const metrics = createMetrics();
	const ehr = await connectEhr(config, db, clock, phi, logger);
	const eligibility = eligibilityDeps(config, clock);
	let licenceNoticesRanAt = 0;
	let ehrPolledAt = 0;
	const outbox = createOutboxWorker({
		db,
		clock,
		logger: logger.child({ component: 'outbox' }),
		phi,
		transports: [
			...personTransports(config, db, clock, phi),
			...(ehr ? [ehrTransport(ehr.sync)] : []),
			// Claims need the EHR (the patient's address) and a clearinghouse (the sandbox keeps them for download).
			...(ehr && eligibility
				? [
						claimsTransport({
							...ehr.sync,
							logger: logger.child({ component: 'claims' }),
							clearinghouse: eligibility.clearinghouse,
							sender: eligibility.sender,
							receiver: eligibility.receiver,
							usage: eligibility.usage
						})
					]
				: []),
			...(config.hl7
				? [
						hl7Transport({
							db,
							phi,
							clock,
							peer: { host: config.hl7.host, port: config.hl7.port },
							receiving: { application: 'EHR', facility: 'EHR' },
							mrnAuthority: 'MRN'
						})
					]
				: [])
		],
		batchSize: config.outbox.batchSize,
		pollMs: config.outbox.pollMs,
		onOutcome: (channel, outcome) => metrics.outboxDeliveries.inc({ channel, outcome }),
		onSettled: (message) => recordDeliveryOutcome(db, clock, message),
		beforeEachCycle: async () => {
			const feeder = (component: string) => ({
				db,
				phi,
				clock,
				logger: logger.child({ component }),
				baseUrl: publicBaseUrl(config)
			});
			await dispatchDueMessages(feeder('appointment-messages'));
			if (clock.now().getTime() - licenceNoticesRanAt >= LICENCE_NOTICE_INTERVAL_MS) {
				licenceNoticesRanAt = clock.now().getTime();
				await sendLicenceExpiryNotices(feeder('licence-expiry'));
			}
			if (ehr && clock.now().getTime() - ehrPolledAt >= config.fhir!.pollMs) {
				ehrPolledAt = clock.now().getTime();
				// An EHR that is down must not hold up the outbox: the next look reads from the same place.
				await pollEhrAppointments(ehr.sync).catch((error: unknown) =>
					logger.warn(
						{ err: error instanceof Error ? error.message : String(error) },
						'could not read appointment changes from the EHR'
					)
				);
			}
		}
	});
	if (options.worker !== false) outbox.start();
	const opened = handle;
	const events = await createEventBus(opened);
	const video =
		config.video.kind === 'twilio' ? twilioVideoProvider(config.video) : p2pVideoProvider(config.video);
	const phone = config.twilio
		? twilioPhoneLine(config.twilio)
		: config.env === 'production'
			? null
			: simulatedPhoneLine();
	return {
		config,
		db,
		databaseKind: opened.kind,
		clock,
		logger,
		metrics,
		phi,
		outbox,
		ehr: ehr ? { interactive: ehr.chart } : null,
		eligibility,
		events,
		video,
		phone,
		async close() {
			await outbox.stop();
			await events.close();
			await opened.close();
			lock?.release();
		}
	};
}
