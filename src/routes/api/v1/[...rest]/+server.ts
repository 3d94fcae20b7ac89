import { AppError } from '$lib/server/platform/errors';
import { api } from '$lib/server/platform/http/api';
import type { RequestHandler } from './$types';

// Unknown API paths answer a JSON problem, not the HTML 404 page.
const notFound: RequestHandler = api(() => Promise.reject(new AppError('NOT_FOUND')));
export const fallback = notFound;
