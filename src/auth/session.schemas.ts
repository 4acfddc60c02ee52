import Type from 'typebox';
import { DateTime } from '../http/response.schemas.ts';

const PublicUser = Type.Object({
  id: Type.String(), username: Type.String(), displayName: Type.String(), role: Type.String(), stationId: Type.String(),
  stationLevel: Type.String(),
});

export const SessionUser = Type.Object({ user: PublicUser });
export const LoggedIn = Type.Object({ user: PublicUser, expiresAt: DateTime() });
