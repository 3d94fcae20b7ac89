import * as v from 'valibot';

// Passwords may hold any character, so they are bounded, not filtered.
/** What a staff sign-in carries, from the JSON API or the sign-in form alike. */
export const StaffSignInInput = v.object({
	email: v.pipe(
		v.string('errors:field.type_string'),
		v.trim(),
		v.nonEmpty('errors:field.required'),
		v.maxLength(254, 'errors:field.too_long')
	),
	password: v.pipe(
		v.string('errors:field.type_string'),
		v.nonEmpty('errors:field.required'),
		v.maxLength(1024, 'errors:field.too_long')
	),
	otp: v.pipe(v.string('errors:field.type_string'), v.trim(), v.maxLength(32, 'errors:field.too_long'))
});
