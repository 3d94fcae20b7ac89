/**
 * The OpenAPI 3 description of /api/v1. tests/integration/openapi.spec.ts compares it with the
 * route files, so an endpoint cannot be added, removed or change method without this changing too.
 */
const problem = {
	description: 'A localized problem (4xx/5xx); never a stack trace',
	content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } }
};

const delivery = { $ref: '#/components/schemas/Delivery' };

export const openApiDocument = {
	openapi: '3.1.0',
	info: {
		title: 'AnyVisit API',
		version: '1.0.0',
		description:
			'JSON API of AnyVisit. Errors are answered as `{ error: { code, message, fields? } }` with the message ' +
			'in the language negotiated from `?lang=`, the `lang` cookie or Accept-Language.'
	},
	servers: [{ url: '/api/v1' }],
	paths: {
		'/openapi.json': {
			get: {
				operationId: 'getOpenApi',
				summary: 'This document',
				responses: { '200': { description: 'The OpenAPI document' } }
			}
		},
		'/auth/login': {
			post: {
				operationId: 'signIn',
				summary: 'Staff sign-in with password and TOTP code; sets the HttpOnly session cookie',
				requestBody: {
					required: true,
					content: {
						'application/json': {
							schema: {
								type: 'object',
								additionalProperties: false,
								required: ['email', 'password', 'otp'],
								properties: {
									email: { type: 'string', maxLength: 254 },
									password: { type: 'string', maxLength: 1024 },
									otp: { type: 'string', description: 'the 6-digit code of the authenticator app' }
								}
							}
						}
					}
				},
				responses: {
					'200': {
						description: 'Signed in; the session cookie is set',
						content: { 'application/json': { schema: { $ref: '#/components/schemas/SignedIn' } } }
					},
					'401': { ...problem, description: 'One generic answer for every failed sign-in' },
					'413': problem,
					'415': problem,
					'422': problem,
					'429': { ...problem, description: 'Too many failed sign-ins for this account or address' }
				}
			}
		},
		'/auth/logout': {
			post: {
				operationId: 'signOut',
				summary: 'Ends this session and clears the cookie',
				responses: { '200': { description: 'Signed out' } }
			}
		},
		'/me': {
			get: {
				operationId: 'getMe',
				summary: 'The signed-in person, their roles and their session times',
				responses: {
					'200': {
						description: 'Signed in',
						content: { 'application/json': { schema: { $ref: '#/components/schemas/Me' } } }
					},
					'401': problem
				}
			}
		},
		'/patients/{id}': {
			get: {
				operationId: 'getPatient',
				summary:
					'One patient’s record: the patient themself, or staff of their organization whose role reads patients. Audited.',
				parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
				responses: {
					'200': {
						description: 'The patient',
						content: {
							'application/json': {
								schema: {
									type: 'object',
									properties: { patient: { $ref: '#/components/schemas/Patient' } }
								}
							}
						}
					},
					'401': problem,
					'403': { ...problem, description: 'The role does not read patients' },
					'404': {
						...problem,
						description:
							'No such patient, or not one the caller may read (answered alike, so ids cannot be probed)'
					},
					'422': problem
				}
			}
		},
		'/languages': {
			get: {
				operationId: 'listLanguages',
				summary: 'The supported languages, each named in itself, with its direction and review status',
				responses: {
					'200': {
						description: 'Languages',
						content: {
							'application/json': {
								schema: {
									type: 'object',
									required: ['languages', 'current'],
									properties: {
										current: { type: 'string' },
										languages: { type: 'array', items: { $ref: '#/components/schemas/Language' } }
									}
								}
							}
						}
					}
				}
			}
		},
		'/preferences/language': {
			put: {
				operationId: 'setLanguage',
				summary: 'Saves the language for this device (a cookie)',
				requestBody: {
					required: true,
					content: {
						'application/json': {
							schema: {
								type: 'object',
								additionalProperties: false,
								required: ['lang'],
								properties: {
									lang: { type: 'string', enum: ['en', 'es', 'zh-Hans', 'vi', 'ko', 'tl', 'ru', 'ar', 'ht'] }
								}
							}
						}
					}
				},
				responses: {
					'200': {
						description: 'Saved',
						content: {
							'application/json': {
								schema: {
									type: 'object',
									properties: { lang: { type: 'string' }, dir: { type: 'string', enum: ['ltr', 'rtl'] } }
								}
							}
						}
					},
					'400': problem,
					'413': problem,
					'415': problem,
					'422': problem
				}
			}
		},
		'/outbox': {
			get: {
				operationId: 'listDeliveries',
				summary: 'Outbox deliveries in one state (staff; payloads are never returned)',
				parameters: [
					{
						name: 'status',
						in: 'query',
						schema: { type: 'string', enum: ['pending', 'delivering', 'delivered', 'dead'], default: 'dead' }
					},
					{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
					{ name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } }
				],
				responses: {
					'200': {
						description: 'Deliveries',
						content: {
							'application/json': {
								schema: { type: 'object', properties: { deliveries: { type: 'array', items: delivery } } }
							}
						}
					},
					'403': problem,
					'422': problem
				}
			}
		},
		'/outbox/{id}/retry': {
			post: {
				operationId: 'retryDelivery',
				summary: 'Queues a dead-lettered delivery again (staff), with a note saying why',
				parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
				requestBody: {
					required: true,
					content: {
						'application/json': {
							schema: {
								type: 'object',
								additionalProperties: false,
								required: ['note'],
								properties: { note: { type: 'string', minLength: 1, maxLength: 500 } }
							}
						}
					}
				},
				responses: {
					'200': {
						description: 'Queued again',
						content: { 'application/json': { schema: { type: 'object', properties: { delivery } } } }
					},
					'400': problem,
					'403': problem,
					'404': problem,
					'409': problem,
					'413': problem,
					'415': problem,
					'422': problem
				}
			}
		}
	},
	components: {
		schemas: {
			SessionTimes: {
				type: 'object',
				properties: {
					expiresAt: { type: 'string', format: 'date-time' },
					idleExpiresAt: { type: 'string', format: 'date-time' }
				}
			},
			SignedIn: {
				type: 'object',
				properties: {
					staff: {
						type: 'object',
						properties: {
							id: { type: 'string', format: 'uuid' },
							email: { type: 'string' },
							displayName: { type: 'string' },
							roles: { type: 'array', items: { type: 'string' } }
						}
					},
					session: { $ref: '#/components/schemas/SessionTimes' }
				}
			},
			Me: {
				type: 'object',
				properties: {
					kind: { type: 'string', enum: ['staff', 'patient'] },
					id: { type: 'string', format: 'uuid' },
					email: { type: 'string' },
					displayName: { type: 'string' },
					organizationId: { type: 'string', format: 'uuid' },
					roles: {
						type: 'array',
						items: { type: 'string', enum: ['admin', 'clinician', 'nurse', 'scheduler', 'biller'] }
					},
					session: { $ref: '#/components/schemas/SessionTimes' }
				}
			},
			Patient: {
				type: 'object',
				properties: {
					id: { type: 'string', format: 'uuid' },
					organizationId: { type: 'string', format: 'uuid' },
					givenName: { type: 'string' },
					familyName: { type: 'string' },
					birthDate: { type: 'string', format: 'date' },
					phone: { type: ['string', 'null'] },
					phoneKind: { type: ['string', 'null'], enum: ['mobile', 'landline', null] },
					email: { type: ['string', 'null'] },
					preferredLanguage: { type: 'string' },
					contactChannel: { type: 'string', enum: ['sms', 'email', 'voice'] },
					homeState: { type: 'string' },
					timeZone: { type: 'string' },
					accommodations: { type: 'object' }
				}
			},
			Problem: {
				type: 'object',
				required: ['error'],
				properties: {
					error: {
						type: 'object',
						required: ['code', 'message'],
						properties: {
							code: { type: 'string' },
							message: { type: 'string' },
							fields: {
								type: 'array',
								items: {
									type: 'object',
									properties: { field: { type: 'string' }, message: { type: 'string' } }
								}
							},
							errorId: { type: 'string' }
						}
					}
				}
			},
			Language: {
				type: 'object',
				properties: {
					code: { type: 'string' },
					name: { type: 'string' },
					dir: { type: 'string', enum: ['ltr', 'rtl'] },
					reviewedByMedicalTranslator: { type: 'boolean' }
				}
			},
			Delivery: {
				type: 'object',
				properties: {
					id: { type: 'string', format: 'uuid' },
					channel: { type: 'string' },
					status: { type: 'string' },
					attempts: { type: 'integer' },
					maxAttempts: { type: 'integer' },
					lastError: { type: ['string', 'null'] },
					retryNote: { type: ['string', 'null'] },
					createdAt: { type: 'string', format: 'date-time' },
					updatedAt: { type: 'string', format: 'date-time' },
					nextAttemptAt: { type: 'string', format: 'date-time' }
				}
			}
		}
	}
} as const;
