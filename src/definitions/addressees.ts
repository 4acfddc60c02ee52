/**
 * The bodies a letter's `addressee: { setting }` may name, with the demo district's own offices: a
 * deployment names its own in the notice settings, under these names, which the linter checks.
 */
export const ADDRESSEE_SETTINGS: Readonly<Record<string, string>> = {
  legalAidCentre: '新河区法律援助中心',
  socialInsuranceAgency: '新河区社会保险事业管理中心',
};
