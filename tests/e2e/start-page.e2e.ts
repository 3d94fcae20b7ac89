import { expect, test } from '@playwright/test';
import { expectAccessible, expectAccessibleWithoutScripts, htmlLangDir } from './helpers';

test.describe('the patient start page', () => {
	test('in English: landmarks, skip link, headings, and no axe violations', async ({ page }) => {
		await page.goto('/');
		expect(await htmlLangDir(page)).toEqual({ lang: 'en', dir: 'ltr' });
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(
			'See your clinician from wherever you are'
		);
		await expect(page.getByRole('banner')).toBeVisible();
		await expect(page.getByRole('main')).toBeVisible();
		await expect(page.getByRole('contentinfo')).toBeVisible();

		await page.keyboard.press('Tab');
		const skip = page.getByRole('link', { name: 'Skip to main content' });
		await expect(skip).toBeFocused();
		await expect(skip).toBeInViewport();
		await page.keyboard.press('Enter');
		await expect(page.locator('main')).toBeFocused();

		await expectAccessible(page);
	});

	test('in Arabic from Accept-Language: right to left, mirrored, and no axe violations', async ({
		browser
	}) => {
		const context = await browser.newContext({ locale: 'ar', extraHTTPHeaders: { 'accept-language': 'ar' } });
		const page = await context.newPage();
		await page.goto('/');
		expect(await htmlLangDir(page)).toEqual({ lang: 'ar', dir: 'rtl' });
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(
			'لقاء مقدّم الرعاية الصحية الخاص بك أينما كنت'
		);
		// The header mirrors: the brand sits on the right, the language picker on the left.
		const brand = await page.locator('.brand').boundingBox();
		const picker = await page.locator('.language-picker').boundingBox();
		expect(brand!.x).toBeGreaterThan(picker!.x);
		await expectAccessible(page);
		await context.close();
	});

	test('Accept-Language es gives Spanish', async ({ browser }) => {
		const context = await browser.newContext({
			locale: 'es-MX',
			extraHTTPHeaders: { 'accept-language': 'es-MX,es;q=0.9' }
		});
		const page = await context.newPage();
		await page.goto('/');
		expect(await htmlLangDir(page)).toEqual({ lang: 'es', dir: 'ltr' });
		await expectAccessible(page);
		await context.close();
	});

	test('primary actions are at least 44 by 44 pixels', async ({ page }) => {
		await page.goto('/');
		const button = await page.getByRole('button', { name: 'Change language' }).boundingBox();
		expect(button!.height).toBeGreaterThanOrEqual(44);
		expect(button!.width).toBeGreaterThanOrEqual(44);
	});
});

test.describe('errors', () => {
	test('an unknown page is a localized 404 page with no stack trace, and passes axe', async ({ page }) => {
		const response = await page.goto('/no-such-page?lang=ar');
		expect(response?.status()).toBe(404);
		await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
		await expect(page.getByRole('alert')).not.toBeEmpty();
		expect(await page.content()).not.toMatch(/at \S+ \(|node_modules/);
		await expectAccessible(page);
	});
});

test.describe('choosing a language', () => {
	test('the picker names each language in itself, switches, and remembers the choice', async ({
		page,
		context
	}) => {
		await page.goto('/');
		const select = page.getByLabel('Language');
		await expect(select.locator('option')).toHaveText([
			'English',
			'Español',
			'中文（简体）',
			'Tiếng Việt',
			'한국어',
			'Tagalog',
			'Русский',
			'العربية',
			'Kreyòl ayisyen'
		]);
		await select.selectOption('es');
		await page.getByRole('button', { name: 'Change language' }).click();
		await expect(page.locator('html')).toHaveAttribute('lang', 'es');
		await expect(page.getByRole('heading', { level: 1 })).not.toHaveText(
			'See your clinician from wherever you are'
		);
		const cookies = await context.cookies();
		expect(cookies.find((c) => c.name === 'lang')?.value).toBe('es');

		// A later visit without ?lang= keeps Spanish.
		await page.goto('/');
		await expect(page.locator('html')).toHaveAttribute('lang', 'es');
		await expectAccessible(page);

		// Switching to Arabic in the page turns the document right to left.
		await page.getByLabel('Idioma').selectOption('ar');
		await page.getByRole('button', { name: 'Cambiar idioma' }).click();
		await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
		await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
		await expectAccessible(page);
	});
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the start page renders on the server and the language picker still works', async ({
		page,
		browser
	}) => {
		await page.goto('/');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(
			'See your clinician from wherever you are'
		);
		expect(await page.locator('script[src]').count()).toBe(0);
		await page.getByLabel('Language').selectOption('vi');
		await page.getByRole('button', { name: 'Change language' }).click();
		await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
		await expect(page).toHaveURL(/\?lang=vi$/);
		await expectAccessibleWithoutScripts(browser, page);
	});
});

test.describe('user preferences of the device', () => {
	test('forced colours and reduced motion: still accessible, focus still visible', async ({ browser }) => {
		const context = await browser.newContext({ forcedColors: 'active', reducedMotion: 'reduce' });
		const page = await context.newPage();
		await page.goto('/');
		await page.getByRole('button', { name: 'Change language' }).focus();
		const outline = await page
			.getByRole('button', { name: 'Change language' })
			.evaluate((el) => getComputedStyle(el).outlineStyle);
		expect(outline).not.toBe('none');
		await expectAccessible(page);
		await context.close();
	});
});
