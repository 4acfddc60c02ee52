export type Role = 'clerk' | 'supervisor' | 'policy' | 'admin';

/** Every role, in the order the administrator's page offers them. */
export const ROLE_LIST: readonly Role[] = ['clerk', 'supervisor', 'policy', 'admin'];

/** A logged-in (or looked-up) user with the station they work at. */
export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  stationId: string;
  stationLevel: 'district' | 'town' | 'village';
  stationPath: string;
}

/** A user as lists name them (assignee filters, hand-over targets). */
export interface UserChoice {
  id: string;
  name: string;
  role: string;
  stationId: string;
}

/** A user account as the administrator's page lists it. */
export interface UserAccount {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  stationId: string;
  disabled: boolean;
}
