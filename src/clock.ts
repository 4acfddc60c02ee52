/** The service's sense of time; every timestamp written to the database comes from here. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that starts at `start` and runs forward in real time (the CLOCK setting). */
export function clockFrom(start: string | Date): Clock {
  const offset = new Date(start).getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

/** A clock that moves only when told to (tests). */
export function manualClock(start: string | Date): Clock & { set(t: string | Date): void; advance(ms: number): void } {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (v) => { t = new Date(v).getTime(); },
    advance: (ms) => { t += ms; },
  };
}
