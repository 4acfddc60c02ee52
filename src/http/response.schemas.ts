import Type, { type TSchema } from 'typebox';

/*
 * Building blocks of the response schemas (TypeBox). A response schema is also the serializer
 * (fast-json-stringify): a property it does not list is dropped, and a value of another type is
 * coerced (null becomes "" under `string`), so nullable fields say so and open-ended values
 * (case data, forms, definitions) are open objects.
 */

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const DateTime = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });
export const Day = (description?: string) => Type.String({ format: 'date', ...(description ? { description } : {}) });

/** Free-form JSON whose keys the definition decides (form data, history payloads, form schemas, definitions). */
export const OpenObject = (description: string) => Type.Object({}, { additionalProperties: true, description });

/** A text in both languages. */
export const Localized = Type.Object({ zh: Type.String(), en: Type.String() });

/** The shape of every error (src/http/errors.ts, src/http/error-handler.ts); `message` follows Accept-Language. */
export const ErrorBody = Type.Object({
  code: Type.String({ description: 'Error code, e.g. NOT_FOUND, VALIDATION_FAILED, STALE_VERSION' }),
  message: Type.String(),
  errors: Type.Optional(Type.Array(Type.Object({ path: Type.String({ description: 'JSON Pointer into the request' }), message: Type.String() }, { additionalProperties: true }))),
  allowedEvents: Type.Optional(Type.Array(Type.Object({ type: Type.String(), label: Localized }, { additionalProperties: true }), { description: 'Events the case takes now (EVENT_NOT_ALLOWED)' })),
  currentVersion: Type.Optional(Type.Integer({ description: 'The case version now (STALE_VERSION)' })),
  missingMaterials: Type.Optional(Type.Array(Type.Object({ id: Type.String(), title: Localized }), { description: 'Required materials not yet received (GUARD_FAILED); tick them in the case\'s materials checklist' })),
  lastEntry: Type.Optional(Type.Object({
    seq: Type.Integer(),
    type: Type.String({ description: 'The event or act, e.g. SUBMIT, COMMENT' }),
    label: Localized,
    step: Nullable(Localized),
    actorName: Nullable(Type.String({ description: 'null: the system (a deadline, an escalation)' })),
    at: DateTime(),
  }, { description: 'STALE_VERSION: who did what, at which step and when since the version sent (the last step taken, else the last act)' })),
  currentStep: Type.Optional(Nullable(Type.Object({ name: Type.String(), title: Localized }, { description: 'STALE_VERSION: the step the case is at now; null once closed' }))),
}, { title: 'Error' });

export const NoContent = Type.Null({ description: 'No content' });

/** A response that is a file, not JSON; documented only (the reply carries its own content type). */
export function file(contentType: string, description: string) {
  return { description, content: { [contentType]: { schema: Type.String({ format: 'binary' }) } } };
}

export const Pdf = file('application/pdf', 'A PDF document');

/**
 * An object of free keys whose values share one schema (`additionalProperties`,
 * which OpenAPI 3.0 knows; it has no patternProperties).
 */
export const MapOf = <T extends TSchema>(value: T, description: string) =>
  Type.Object({}, { additionalProperties: value, description });
