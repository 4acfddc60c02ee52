/** What a new password must be; the same rule for a password change, an admin's new user and `npm run user:add`. */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

/** What is wrong with a new password for this user name, or undefined. */
export function passwordProblem(password: string, username: string): { zh: string; en: string } | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return { zh: `新密码至少${MIN_PASSWORD_LENGTH}个字符`, en: `The new password needs ${MIN_PASSWORD_LENGTH} characters at least` };
  if (length > MAX_PASSWORD_LENGTH) return { zh: `新密码不超过${MAX_PASSWORD_LENGTH}个字符`, en: `The new password is ${MAX_PASSWORD_LENGTH} characters at most` };
  // Letters, digits and anything else (punctuation, hanzi): a password of one kind alone is too easy to guess.
  const kinds = [/\p{L}/u, /\p{N}/u, /[^\p{L}\p{N}]/u].filter((k) => k.test(password)).length;
  if (kinds < 2) return { zh: '新密码须包含字母、数字、符号中的至少两类', en: 'The new password needs two of letters, digits and symbols' };
  if (password.toLowerCase().includes(username.toLowerCase())) return { zh: '新密码不能包含用户名', en: 'The new password must not contain the user name' };
  return undefined;
}
