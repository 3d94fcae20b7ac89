/**
 * The OpenAPI 3 description of /api/v1. tests/integration/openapi.spec.ts compares it with the
 * route files, so an endpoint cannot be added, removed or change method without this changing too.
 */
const problem = {
	description: 'A localized problem (4xx/5xx); never a stack trace',
	content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } }
};

const delivery = { $ref: '#/components/schemas/Delivery' };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const itemsOf = (name: string) => ({
	'application/json': {
		schema: { type: 'object', properties: { items: { type: 'array', items: ref(name) } } }
	}
});
const oneOf = (name: string) => ({ 'application/json': { schema: ref(name) } });
const modality = { type: 'string', enum: ['video', 'audio', 'phone', 'in_person'] };
// Where the visit happens: the same fields for a booking and a reschedule.
const visitPlace = {
	slotId: { type: 'string' },
	clinicianId: { type: 'string', format: 'uuid' },
	start: { type: 'string', format: 'date-time' },
	visitType: { type: 'string', description: 'id or code' },
	modality,
	patientState: { type: 'string', pattern: '^[A-Z]{2}$' }
};
const query = (name: string, required: boolean, description: string) => ({
	name,
	in: 'query',
	required,
	description,
	schema: { type: 'string' }
});

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
		'/visit-types': {
			get: {
				operationId: 'listVisitTypes',
				summary: 'The clinic’s visit types: id, code, localized name, duration, buffer and modalities',
				responses: { '200': { description: 'Visit types', content: itemsOf('VisitType') }, '401': problem }
			}
		},
		'/slots': {
			get: {
				operationId: 'searchSlots',
				summary:
					'Free slots, only from clinicians licensed for patientState on the slot’s date. Days are read in the time zone of patientState.',
				parameters: [
					query('patientState', true, 'Two-letter state or territory where the patient will be'),
					query('from', true, 'First day, YYYY-MM-DD'),
					query('to', true, 'Last day, YYYY-MM-DD (at most 62 days after from)'),
					query('visitType', false, 'Visit type id or code'),
					query('modality', false, 'video, audio, phone or in_person'),
					query('language', false, 'A language the clinician speaks'),
					query('clinicianId', false, 'One clinician'),
					query('limit', false, 'At most this many slots (default 1000)')
				],
				responses: {
					'200': { description: 'Slots', content: itemsOf('Slot') },
					'401': problem,
					'422': problem
				}
			}
		},
		'/appointments': {
			post: {
				operationId: 'bookAppointment',
				summary:
					'Books a visit from a slotId, or a clinicianId and start. A patient’s session may omit patientId and books only for itself.',
				parameters: [
					{
						name: 'Idempotency-Key',
						in: 'header',
						required: true,
						schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,128}$' }
					}
				],
				requestBody: {
					required: true,
					content: { 'application/json': { schema: { $ref: '#/components/schemas/BookingRequest' } } }
				},
				responses: {
					'201': { description: 'Booked', content: oneOf('Appointment') },
					'200': {
						description: 'The same key and request again: the same appointment',
						content: oneOf('Appointment')
					},
					'401': problem,
					'403': { ...problem, description: 'A patient booking for someone else' },
					'409': { ...problem, description: 'SLOT_TAKEN or PATIENT_BUSY' },
					'422': {
						...problem,
						description: 'VALIDATION, LICENSURE (code at the top level too), SLOT_UNAVAILABLE'
					}
				}
			},
			get: {
				operationId: 'listAppointments',
				summary: 'A patient’s own visits, or the organization’s for staff',
				parameters: [
					query('patientId', false, 'Staff: one patient'),
					query('clinicianId', false, 'Staff: one clinician'),
					query('from', false, 'YYYY-MM-DD'),
					query('to', false, 'YYYY-MM-DD')
				],
				responses: { '200': { description: 'Appointments', content: itemsOf('Appointment') }, '401': problem }
			}
		},
		'/appointments/{id}': {
			get: {
				operationId: 'getAppointment',
				parameters: [idParam],
				summary: 'One appointment (not found when it is not the caller’s to see)',
				responses: {
					'200': { description: 'The appointment', content: oneOf('Appointment') },
					'401': problem,
					'404': problem
				}
			},
			patch: {
				operationId: 'rescheduleAppointment',
				parameters: [idParam],
				summary: 'Moves the visit to a slotId, or a new start (and optionally clinician, modality, state)',
				requestBody: {
					required: true,
					content: { 'application/json': { schema: { $ref: '#/components/schemas/RescheduleRequest' } } }
				},
				responses: {
					'200': { description: 'Rescheduled', content: oneOf('Appointment') },
					'404': problem,
					'409': problem,
					'422': problem
				}
			},
			delete: {
				operationId: 'cancelAppointment',
				parameters: [idParam],
				summary: 'Cancels the visit; an optional JSON body gives the reason',
				responses: {
					'200': { description: 'Cancelled', content: oneOf('Appointment') },
					'404': problem,
					'409': problem
				}
			}
		},
		'/appointments/{id}/messages': {
			get: {
				operationId: 'listAppointmentMessages',
				summary: 'The confirmations and reminders of a visit: channel, kind, state, when (never the text)',
				parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
				responses: {
					'200': { description: 'Messages', content: itemsOf('AppointmentMessage') },
					'404': problem
				}
			}
		},
		'/appointments/{id}/consents': {
			get: {
				operationId: 'getVisitConsents',
				summary:
					'The consent standing of a visit’s patient: telehealth and recording, each current, outdated or missing',
				parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
				responses: {
					'200': { description: 'Consent standing', content: oneOf('VisitConsents') },
					'404': problem
				}
			},
			post: {
				operationId: 'recordVerbalConsent',
				summary: 'Clinicians and nurses: documents the patient’s verbal consent, attested with their id',
				parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
				requestBody: { required: true, content: oneOf('VerbalConsentInput') },
				responses: {
					'201': { description: 'Recorded', content: oneOf('Created') },
					'403': problem,
					'404': problem,
					'409': problem,
					'422': problem
				}
			}
		},
		'/organization': {
			get: {
				operationId: 'getOrganizationSettings',
				summary: 'Staff: the clinic’s settings (reminder times, when check-in opens)',
				responses: {
					'200': { description: 'Settings', content: oneOf('OrganizationSettings') },
					'401': problem
				}
			},
			patch: {
				operationId: 'updateOrganizationSettings',
				summary:
					'Admins: changes reminder times (minutes before, at most six, 5 min to 14 days) or when check-in opens (5 min to 7 days). Audited.',
				requestBody: { required: true, content: oneOf('OrganizationSettingsChange') },
				responses: {
					'200': { description: 'Settings', content: oneOf('OrganizationSettings') },
					'403': problem,
					'422': problem
				}
			}
		},
		'/appointments/{id}/intake/{questionnaire}': {
			post: {
				operationId: 'submitIntake',
				summary:
					'The patient sends one intake questionnaire (general-intake, phq-9, gad-7). Idempotent by submissionId: 201 the first time, 200 with the same response after.',
				parameters: [
					{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
					{ name: 'questionnaire', in: 'path', required: true, schema: { type: 'string' } }
				],
				requestBody: { required: true, content: oneOf('IntakeSubmission') },
				responses: {
					'200': { description: 'Already received', content: oneOf('IntakeReceipt') },
					'201': { description: 'Received', content: oneOf('IntakeReceipt') },
					'404': problem,
					'409': problem,
					'422': problem
				}
			}
		},
		'/readiness/probe': {
			get: {
				operationId: 'readinessProbe',
				summary: 'Random bytes (1 000 to 1 000 000, default 100 000) to time a download by; never cached',
				parameters: [query('bytes', false, 'How many bytes')],
				responses: {
					'200': {
						description: 'Random bytes',
						content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } }
					},
					'422': problem
				}
			}
		},
		'/readiness/ping': {
			get: {
				operationId: 'readinessPing',
				summary: 'An empty answer to time a round trip by',
				responses: { '204': { description: 'Nothing' } }
			}
		},
		'/visits/{id}/timeline': {
			get: {
				operationId: 'getVisitTimeline',
				summary:
					'Clinic staff: the visit’s modality segments in order (video, audio, phone), each with who started it and why; the open segment has end null. Audited.',
				parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
				responses: {
					'200': { description: 'The timeline', content: oneOf('VisitTimeline') },
					'401': problem,
					'403': problem,
					'404': problem
				}
			}
		},
		'/billing/evaluate': {
			post: {
				operationId: 'evaluateBilling',
				summary:
					'Billers and admins (or the BILLING_API_TOKEN bearer token): how a telehealth visit is coded — place of ' +
					'service, modifiers, billability — with the reason for each decision. Saves nothing. Rules are data ' +
					'with sources (Medicare by date of service, Medicaid per state, commercial defaults).',
				requestBody: { required: true, content: { 'application/json': { schema: ref('EncounterFacts') } } },
				responses: {
					'200': { description: 'The coding', content: oneOf('Coding') },
					'400': problem,
					'401': problem,
					'403': problem,
					'422': problem
				}
			}
		},
		'/consents/{id}': {
			get: {
				operationId: 'getConsent',
				summary:
					'Staff: one consent record with its template version and content hash, method, time, IP and user agent. Audited.',
				parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
				responses: {
					'200': { description: 'The consent', content: oneOf('Consent') },
					'401': problem,
					'403': problem,
					'404': problem
				}
			}
		},
		'/patients': {
			get: {
				operationId: 'searchPatients',
				summary:
					'Staff: patients matching a name, birth date, phone or email; an empty query lists all. Audited.',
				parameters: [query('query', false, 'What to look for')],
				responses: {
					'200': { description: 'Patients', content: itemsOf('PatientSummary') },
					'401': problem,
					'403': problem
				}
			}
		},
		'/clinicians/{id}/hours': {
			get: {
				operationId: 'getClinicianHours',
				summary:
					'Schedulers and admins, or the clinician themself: weekly hours (wall-clock in the clinician’s zone), ' +
					'upcoming time off and extra hours, languages and visit types offered',
				parameters: [idParam],
				responses: {
					'200': { description: 'Hours', content: oneOf('ClinicianHours') },
					'403': problem,
					'404': problem
				}
			}
		},
		'/clinicians/{id}/exceptions': {
			post: {
				operationId: 'addHoursException',
				summary:
					'Time off (`unavailable`) or extra hours (`available`) on one day, wall-clock in the clinician’s ' +
					'zone; answers how many booked visits fall inside (they stay booked). Audited',
				parameters: [idParam],
				requestBody: {
					required: true,
					content: {
						'application/json': {
							schema: {
								type: 'object',
								required: ['kind', 'date', 'start', 'end'],
								properties: {
									kind: { type: 'string', enum: ['unavailable', 'available'] },
									date: { type: 'string', format: 'date' },
									start: { type: 'string', pattern: '^\\d{2}:\\d{2}$' },
									end: { type: 'string', pattern: '^\\d{2}:\\d{2}$' },
									modalities: { type: 'array', items: modality },
									reason: { type: 'string', maxLength: 120 }
								}
							}
						}
					}
				},
				responses: {
					'201': {
						description: 'Added',
						content: {
							'application/json': {
								schema: {
									type: 'object',
									properties: { id: { type: 'string', format: 'uuid' }, bookedInside: { type: 'integer' } }
								}
							}
						}
					},
					'403': problem,
					'404': problem,
					'422': problem
				}
			}
		},
		'/licences': {
			get: {
				operationId: 'listLicences',
				summary:
					'Admins: the organization’s licences, soonest expiry first, with days left and the 60/30/7-day warning',
				responses: {
					'200': { description: 'Licences', content: itemsOf('Licence') },
					'401': problem,
					'403': problem
				}
			},
			post: {
				operationId: 'addLicence',
				summary: 'Admins: adds a licence (audited)',
				requestBody: { required: true, content: oneOf('LicenceInput') },
				responses: {
					'201': { description: 'Added', content: oneOf('Id') },
					'403': problem,
					'409': problem,
					'422': problem
				}
			}
		},
		'/licences/{id}': {
			put: {
				operationId: 'replaceLicence',
				summary: 'Admins: replaces a licence record (a renewal, a new status; audited)',
				parameters: [idParam],
				requestBody: { required: true, content: oneOf('LicenceInput') },
				responses: {
					'200': { description: 'Saved', content: oneOf('Id') },
					'404': problem,
					'409': problem,
					'422': problem
				}
			},
			delete: {
				operationId: 'removeLicence',
				summary: 'Admins: removes a licence entered by mistake (audited)',
				parameters: [idParam],
				responses: { '204': { description: 'Removed' }, '404': problem }
			}
		},
		'/licences/import': {
			post: {
				operationId: 'importLicences',
				summary:
					'Admins: imports licences from CSV (columns clinician_email,state,credential,number,status,pathway,' +
					'issued_on,expires_on). All rows or none: a 422 lists each problem as `rows[<line>].<column>`',
				requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } },
				responses: {
					'200': {
						description: 'Imported',
						content: {
							'application/json': {
								schema: {
									type: 'object',
									properties: { created: { type: 'integer' }, updated: { type: 'integer' } }
								}
							}
						}
					},
					'403': problem,
					'413': problem,
					'415': problem,
					'422': problem
				}
			}
		},
		'/clinicians': {
			get: {
				operationId: 'listClinicians',
				summary: 'The organization’s clinicians with the languages they speak',
				responses: { '200': { description: 'Clinicians', content: itemsOf('Clinician') }, '401': problem }
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
			OrganizationSettings: {
				type: 'object',
				properties: {
					name: { type: 'string' },
					timeZone: { type: 'string' },
					reminderOffsetsMinutes: { type: 'array', items: { type: 'integer' } },
					checkInOpensMinutes: { type: 'integer' }
				}
			},
			OrganizationSettingsChange: {
				type: 'object',
				additionalProperties: false,
				properties: {
					reminderOffsetsMinutes: {
						type: 'array',
						maxItems: 6,
						items: { type: 'integer', minimum: 5, maximum: 20160 }
					},
					checkInOpensMinutes: { type: 'integer', minimum: 5, maximum: 10080 }
				}
			},
			IntakeSubmission: {
				type: 'object',
				additionalProperties: false,
				required: ['submissionId', 'answers'],
				properties: {
					submissionId: { type: 'string', format: 'uuid' },
					answers: {
						type: 'object',
						description: 'linkId → answer: "0"-"3" for screener items, "yes"/"no", or text',
						additionalProperties: { type: ['string', 'boolean', 'null'] }
					}
				}
			},
			IntakeReceipt: {
				type: 'object',
				properties: {
					id: { type: 'string', format: 'uuid' },
					questionnaire: { type: 'string' },
					submittedAt: { type: 'string', format: 'date-time' },
					repeated: { type: 'boolean' }
				}
			},
			VisitTimeline: {
				type: 'object',
				required: ['visitId', 'status', 'segments'],
				properties: {
					visitId: { type: 'string', format: 'uuid' },
					status: { type: 'string', enum: ['not_started', 'waiting', 'in_progress', 'ended'] },
					segments: {
						type: 'array',
						items: {
							type: 'object',
							required: ['modality', 'start', 'end'],
							properties: {
								modality: { type: 'string', enum: ['video', 'audio', 'phone'] },
								start: { type: 'string', format: 'date-time' },
								end: { type: ['string', 'null'], format: 'date-time' },
								startedBy: { type: 'string', enum: ['staff', 'patient', 'system'] },
								reason: { type: 'string', enum: ['start', 'choice', 'poor_network', 'device', 'peer_lost'] }
							}
						}
					}
				}
			},
			EncounterFacts: {
				type: 'object',
				additionalProperties: false,
				required: [
					'dateOfService',
					'payer',
					'serviceCode',
					'patientLocation',
					'segments',
					'clinicianVideoCapable',
					'patientVideoCapable',
					'patientConsentsToVideo',
					'behavioralHealth'
				],
				properties: {
					dateOfService: { type: 'string', format: 'date' },
					payer: { type: 'string', enum: ['medicare', 'medicaid', 'commercial'] },
					payerState: { type: 'string', pattern: '^[A-Z]{2}$' },
					serviceCode: { type: 'string', pattern: '^[A-Z0-9]{5}$' },
					patientLocation: {
						type: 'object',
						additionalProperties: false,
						required: ['state', 'setting'],
						properties: {
							state: { type: 'string', pattern: '^[A-Z]{2}$' },
							setting: { type: 'string', enum: ['home', 'facility'] }
						}
					},
					segments: {
						type: 'array',
						minItems: 1,
						items: {
							type: 'object',
							additionalProperties: false,
							required: ['modality', 'start', 'end'],
							properties: {
								modality: { type: 'string', enum: ['video', 'audio', 'phone'] },
								start: { type: 'string', format: 'date-time' },
								end: { type: 'string', format: 'date-time' }
							}
						}
					},
					clinicianVideoCapable: { type: 'boolean' },
					patientVideoCapable: { type: 'boolean' },
					patientConsentsToVideo: { type: 'boolean' },
					behavioralHealth: { type: 'boolean' },
					acuteStroke: { type: 'boolean' },
					facilityType: { type: ['string', 'null'], enum: ['rhc', 'fqhc', 'hospital_outpatient', null] },
					practitionerType: {
						type: 'string',
						enum: ['physician', 'np', 'pa', 'psychologist', 'lcsw', 'pt', 'ot', 'slp']
					}
				}
			},
			Coding: {
				type: 'object',
				required: ['billable', 'lines', 'reasons'],
				properties: {
					billable: { type: 'boolean' },
					lines: {
						type: 'array',
						items: {
							type: 'object',
							required: ['code', 'modifiers', 'pos'],
							properties: {
								code: { type: 'string' },
								modifiers: { type: 'array', items: { type: 'string' } },
								pos: { type: 'string' }
							}
						}
					},
					reasons: {
						type: 'array',
						items: {
							type: 'object',
							required: ['code', 'message'],
							properties: { code: { type: 'string' }, message: { type: 'string' } }
						}
					}
				}
			},
			Created: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
			VerbalConsentInput: {
				type: 'object',
				additionalProperties: false,
				required: ['kind', 'method'],
				properties: {
					kind: { type: 'string', enum: ['telehealth', 'recording'] },
					method: { type: 'string', enum: ['verbal_clinician'] }
				}
			},
			VisitConsents: {
				type: 'object',
				properties: Object.fromEntries(
					['telehealth', 'recording'].map((kind) => [
						kind,
						{
							type: 'object',
							properties: {
								status: { type: 'string', enum: ['current', 'outdated', 'missing'] },
								consentId: { type: ['string', 'null'], format: 'uuid' },
								templateVersion: { type: ['integer', 'null'] }
							}
						}
					])
				)
			},
			Consent: {
				type: 'object',
				required: ['id', 'kind', 'method', 'givenAt', 'templateVersion', 'contentHash', 'template'],
				properties: {
					id: { type: 'string', format: 'uuid' },
					patientId: { type: 'string', format: 'uuid' },
					appointmentId: { type: ['string', 'null'], format: 'uuid' },
					kind: { type: 'string', enum: ['telehealth', 'recording'] },
					method: { type: 'string', enum: ['electronic', 'verbal_clinician', 'verbal_ivr'] },
					signerName: { type: 'string' },
					givenAt: { type: 'string', format: 'date-time' },
					expiresAt: { type: 'string', format: 'date-time' },
					revokedAt: { type: ['string', 'null'], format: 'date-time' },
					ip: { type: ['string', 'null'] },
					userAgent: { type: ['string', 'null'] },
					attestedBy: { type: ['string', 'null'], format: 'uuid' },
					templateVersion: { type: 'integer' },
					contentHash: { type: 'string', description: 'SHA-256 (hex) of the title and text signed' },
					template: {
						type: 'object',
						properties: {
							id: { type: 'string', format: 'uuid' },
							version: { type: 'integer' },
							language: { type: 'string' },
							state: { type: ['string', 'null'] },
							contentHash: { type: 'string' },
							title: { type: 'string' },
							body: { type: 'string' }
						}
					}
				}
			},
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
			VisitType: {
				type: 'object',
				properties: {
					id: { type: 'string', format: 'uuid' },
					code: { type: 'string' },
					name: { type: 'string' },
					service: { type: 'string', enum: ['medical', 'behavioral', 'nursing'] },
					durationMinutes: { type: 'integer' },
					bufferMinutes: { type: 'integer' },
					modalities: {
						type: 'array',
						items: modality
					}
				}
			},
			Slot: {
				type: 'object',
				properties: {
					id: { type: 'string' },
					clinicianId: { type: 'string', format: 'uuid' },
					clinicianName: { type: 'string' },
					start: { type: 'string', format: 'date-time' },
					end: { type: 'string', format: 'date-time' },
					visitType: { type: 'string', format: 'uuid' },
					visitTypeCode: { type: 'string' },
					modalities: { type: 'array', items: { type: 'string' } },
					languages: { type: 'array', items: { type: 'string' } }
				}
			},
			BookingRequest: {
				type: 'object',
				required: ['modality', 'patientState'],
				properties: { ...visitPlace, patientId: { type: 'string', format: 'uuid' } }
			},
			RescheduleRequest: { type: 'object', properties: visitPlace },
			Appointment: {
				type: 'object',
				properties: {
					id: { type: 'string', format: 'uuid' },
					patientId: { type: 'string', format: 'uuid' },
					clinicianId: { type: 'string', format: 'uuid' },
					clinicianName: { type: 'string' },
					visitType: { type: 'string', format: 'uuid' },
					visitTypeCode: { type: 'string' },
					modality: { type: 'string' },
					patientState: { type: 'string' },
					start: { type: 'string', format: 'date-time' },
					end: { type: 'string', format: 'date-time' },
					status: { type: 'string', enum: ['booked', 'confirmed', 'cancelled', 'completed', 'no_show'] },
					confirmedAt: { type: ['string', 'null'], format: 'date-time' },
					cancelledAt: { type: ['string', 'null'], format: 'date-time' },
					cancelReason: { type: ['string', 'null'] },
					appointment: { type: 'object', description: 'The same fields, nested' }
				}
			},
			AppointmentMessage: {
				type: 'object',
				properties: {
					channel: { type: 'string', enum: ['sms', 'email', 'voice'] },
					kind: { type: 'string', enum: ['booked', 'rescheduled', 'cancelled', 'reminder'] },
					status: { type: 'string' },
					sendAt: { type: 'string', format: 'date-time' },
					offsetMinutes: { type: ['integer', 'null'] },
					skipReason: { type: ['string', 'null'] },
					providerStatus: { type: ['string', 'null'], description: 'Twilio’s last reported status' },
					providerError: { type: ['string', 'null'], description: 'Twilio’s error code when it failed' }
				}
			},
			PatientSummary: {
				type: 'object',
				properties: {
					id: { type: 'string', format: 'uuid' },
					name: { type: 'string' },
					givenName: { type: 'string' },
					familyName: { type: 'string' },
					birthDate: { type: 'string', format: 'date' },
					preferredLanguage: { type: 'string' },
					homeState: { type: 'string' },
					timeZone: { type: 'string' }
				}
			},
			ClinicianHours: {
				type: 'object',
				properties: {
					clinicianId: { type: 'string', format: 'uuid' },
					name: { type: 'string' },
					timeZone: { type: 'string' },
					languages: { type: 'array', items: { type: 'string' } },
					visitTypes: { type: 'array', items: { type: 'object' } },
					weekly: { type: 'array', items: { type: 'object' } },
					exceptions: { type: 'array', items: { type: 'object' } }
				}
			},
			Id: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } },
			LicenceInput: {
				type: 'object',
				required: ['clinicianId', 'state', 'credential', 'number', 'issuedOn', 'expiresOn'],
				properties: {
					clinicianId: { type: 'string', format: 'uuid' },
					state: { type: 'string', pattern: '^[A-Z]{2}$' },
					credential: {
						type: 'string',
						enum: ['MD', 'DO', 'NP', 'PA', 'RN', 'LPN', 'LVN', 'PsyD', 'PhD', 'LCSW', 'LPC', 'LMFT']
					},
					number: { type: 'string', maxLength: 40 },
					status: { type: 'string', enum: ['active', 'inactive', 'expired', 'suspended', 'revoked'] },
					pathway: { type: 'string', enum: ['state', 'imlc', 'nlc', 'psypact', 'registration'] },
					issuedOn: { type: 'string', format: 'date' },
					expiresOn: { type: 'string', format: 'date' }
				}
			},
			Licence: {
				type: 'object',
				properties: {
					id: { type: 'string', format: 'uuid' },
					clinicianId: { type: 'string', format: 'uuid' },
					clinicianName: { type: 'string' },
					state: { type: 'string' },
					credential: { type: 'string' },
					number: { type: 'string' },
					status: { type: 'string' },
					pathway: { type: 'string' },
					issuedOn: { type: 'string', format: 'date' },
					expiresOn: { type: 'string', format: 'date' },
					daysLeft: { type: 'integer' },
					warning: { type: ['integer', 'null'], enum: [60, 30, 7, null] }
				}
			},
			Clinician: {
				type: 'object',
				properties: {
					id: { type: 'string', format: 'uuid' },
					name: { type: 'string' },
					credential: { type: ['string', 'null'] },
					languages: { type: 'array', items: { type: 'string' } },
					timeZone: { type: 'string' }
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
