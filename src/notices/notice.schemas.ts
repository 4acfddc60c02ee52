import Type from 'typebox';
import { DateTime, Nullable } from '../http/response.schemas.ts';

const NoticeItem = Type.Object({
  code: Type.String({ description: 'URL code of the notice, e.g. 2026-receipt-000123 (2026-000123 for notices numbered before per-kind series)' }),
  number: Type.String({ description: 'Printed number, e.g. 新退役收〔2026〕123号' }),
  kind: Type.String(), title: Type.String(), key: Type.String(), issuedAt: DateTime(), verifyUrl: Type.String(),
}, { additionalProperties: false });

export const NoticeList = Type.Object({ items: Type.Array(NoticeItem) });

/** What the public may learn of a notice: genuine and unchanged, its kind, date, issuer and a masked name. */
export const NoticeVerification = Type.Object({
  genuine: Type.Boolean(), unchanged: Type.Optional(Nullable(Type.Boolean())),
  matchesFile: Type.Optional(Nullable(Type.Boolean({ description: 'The posted PDF is the notice as issued' }))),
  kind: Type.Optional(Type.String()), title: Type.Optional(Type.String()), issuedDate: Type.Optional(Type.String()),
  issuer: Type.Optional(Type.String()), name: Type.Optional(Type.String({ description: 'Masked' })),
}, { additionalProperties: false });

/** GET /verify/:token answers JSON when asked (Accept: application/json), a page otherwise. */
export const VerificationAnswer = (description: string) => ({
  description,
  content: { 'application/json': { schema: NoticeVerification }, 'text/html': { schema: Type.String() } },
});
