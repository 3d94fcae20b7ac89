import { expect, test } from '@playwright/test';
import billing from '../../locales/en/billing.json' with { type: 'json' };
import { signInStaff } from './helpers';

const FACTS = {
	dateOfService: '2026-12-02',
	payer: 'medicare',
	serviceCode: '99213',
	patientLocation: { state: 'CO', setting: 'home' },
	segments: [
		{ modality: 'video', start: '2026-12-02T15:00:00Z', end: '2026-12-02T15:06:00Z' },
		{ modality: 'phone', start: '2026-12-02T15:06:00Z', end: '2026-12-02T15:20:00Z' }
	],
	clinicianVideoCapable: true,
	patientVideoCapable: false,
	patientConsentsToVideo: true,
	behavioralHealth: false
};

test.describe('POST /api/v1/billing/evaluate (public contract)', () => {
	test('a biller gets the coding with a reason for each decision; nothing is saved', async ({ browser }) => {
		const context = await browser.newContext();
		await signInStaff(context.request, 'biller@demo.anyvisit.test');
		const response = await context.request.post('/api/v1/billing/evaluate?lang=en', { data: FACTS });
		expect(response.status()).toBe(200);
		const coding = await response.json();
		expect(coding).toMatchObject({
			billable: true,
			lines: [{ code: '99213', modifiers: ['93'], pos: '10' }]
		});
		const reasons = coding.reasons.map((r: { code: string }) => r.code);
		expect(reasons).toEqual(expect.arrayContaining(['POS_HOME', 'AUDIO_ONLY_HOME', 'MIXED_MODALITY']));
		expect(coding.reasons.find((r: { code: string }) => r.code === 'POS_HOME').message).toBe(
			billing['reason.POS_HOME'].replace('{{pos}}', '10')
		);
		await context.close();
	});

	test('an unknown or invalid field is a 400 naming it; facts it will not judge are a 422 naming them', async ({
		browser
	}) => {
		const context = await browser.newContext();
		await signInStaff(context.request, 'admin@demo.anyvisit.test');
		const post = (data: unknown) => context.request.post('/api/v1/billing/evaluate', { data });
		const unknown = await post({ ...FACTS, colour: 'blue' });
		expect(unknown.status()).toBe(400);
		expect((await unknown.json()).error.fields).toEqual([expect.objectContaining({ field: 'colour' })]);
		const invalid = await post({
			...FACTS,
			payer: 'tricare',
			patientLocation: { state: 'CO', setting: 'car' }
		});
		expect(invalid.status()).toBe(400);
		expect((await invalid.json()).error.fields.map((f: { field: string }) => f.field).sort()).toEqual([
			'patientLocation.setting',
			'payer'
		]);
		const overlapping = await post({
			...FACTS,
			segments: [FACTS.segments[0], { ...FACTS.segments[1], start: '2026-12-02T15:05:00Z' }]
		});
		expect(overlapping.status()).toBe(422);
		expect((await overlapping.json()).error.fields).toEqual([
			expect.objectContaining({ field: 'segments.1.start' })
		]);
		const unknownCode = await post({ ...FACTS, serviceCode: '12345' });
		expect(unknownCode.status()).toBe(422);
		const noPolicy = await post({ ...FACTS, payer: 'medicaid' });
		expect((await noPolicy.json()).error.fields).toEqual([expect.objectContaining({ field: 'payerState' })]);
		await context.close();
	});

	test('only billers and admins, or the billing token: a scheduler is refused, no one at all is 401', async ({
		browser,
		request
	}) => {
		expect((await request.post('/api/v1/billing/evaluate', { data: FACTS })).status()).toBe(401);
		const withToken = await request.post('/api/v1/billing/evaluate', {
			data: FACTS,
			headers: { authorization: 'Bearer e2e-billing-token-0123456789' }
		});
		expect(withToken.status()).toBe(200);
		const wrongToken = await request.post('/api/v1/billing/evaluate', {
			data: FACTS,
			headers: { authorization: 'Bearer not-the-billing-token' }
		});
		expect(wrongToken.status()).toBe(401);
		const context = await browser.newContext();
		await signInStaff(context.request, 'scheduler@demo.anyvisit.test');
		expect((await context.request.post('/api/v1/billing/evaluate', { data: FACTS })).status()).toBe(403);
		await context.close();
	});
});
