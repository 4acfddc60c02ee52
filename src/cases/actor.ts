import type { Actor } from '../engine/engine.ts';
import type { User } from '../users/user.repository.ts';

export function actorOf(user: User): Actor {
  return { id: user.id, role: user.role, level: user.stationLevel };
}
