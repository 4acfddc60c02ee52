/**
 * Login protection, counted in the database so every instance agrees (docs/adr/0005-login-lockout.md).
 * Every attempt takes its slot before the password is checked: parallel guesses each use one, and
 * those past the limit are refused without a check.
 */
export interface LoginPolicy {
  /** Login attempts per client address and minute (all attempts, right or wrong, API and page together). */
  ratePerMinute: number;
  /** Wrong passwords in a row for one user name from one address before that pair is locked. */
  maxFailures: number;
  /** Wrong passwords in a row for one user name from all addresses together before it is locked everywhere. */
  accountMaxFailures: number;
  /** How long a lock lasts; a count also lapses after this long without a failure. */
  lockMinutes: number;
}

export const DEFAULT_LOGIN_POLICY: LoginPolicy = {
  ratePerMinute: 30,
  maxFailures: 5,
  accountMaxFailures: 50,
  lockMinutes: 15,
};
