/** The policy document a version or a local standard implements, e.g. 新退役〔2026〕12号. */
export interface PolicyDocument {
  issuer: string;
  number: string;
  date: string;
}
