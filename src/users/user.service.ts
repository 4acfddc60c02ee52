export type { Role, User } from './user.types.ts';
export { ROLE_LIST } from './user.types.ts';
// Plain reads, for the pages as for the API.
export { displayNames as userNames, findAccount as userAccount, isUsernameTaken as usernameTaken, listAccounts as userAccounts } from './user.repository.ts';
