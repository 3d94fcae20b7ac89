import type { IntakeDraft } from './intake-store';

/**
 * Reads one intake draft straight from IndexedDB, without Dexie: the form page looks for a draft to
 * restore as soon as it starts, and Dexie (about 30 KB) loads only when there is one or when the
 * patient starts answering, so a first visit stays within the page's JavaScript budget.
 */
export function peekDraft(key: string): Promise<IntakeDraft | undefined> {
	return new Promise((resolve) => {
		if (typeof indexedDB === 'undefined') return resolve(undefined);
		const request = indexedDB.open('anyvisit-intake');
		request.onerror = () => resolve(undefined);
		request.onsuccess = () => {
			const db = request.result;
			// Closed at once either way, so Dexie can open (and create) the database after this.
			if (!db.objectStoreNames.contains('drafts')) {
				db.close();
				return resolve(undefined);
			}
			const get = db.transaction('drafts').objectStore('drafts').get(key);
			get.onsuccess = () => {
				db.close();
				resolve(get.result as IntakeDraft | undefined);
			};
			get.onerror = () => {
				db.close();
				resolve(undefined);
			};
		};
	});
}
