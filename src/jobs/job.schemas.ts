import Type from 'typebox';
import { DateTime, Nullable, OpenObject } from '../http/response.schemas.ts';

export const Job = Type.Object({
  id: Type.String(), kind: Type.String(), status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]),
  progress: OpenObject('What the job reports while it runs'), result: Type.Unknown({ description: 'What the job answered, once succeeded' }),
  error: Nullable(Type.String()), createdAt: DateTime(), finishedAt: Nullable(DateTime()),
});
