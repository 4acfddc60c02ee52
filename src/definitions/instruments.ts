import register from '../../docs/laws/instruments.json' with { type: 'json' };

/**
 * The register of cited instruments (docs/laws/instruments.json). Definitions and notices name an
 * instrument as "名称", "名称（2024）" (an edition) or "名称（国办发〔2018〕72号）" (a document
 * number); this module finds the register's entry for such a name. No file access: the linter uses it.
 */
export interface Instrument {
  name: string;
  aliases?: string[];
  edition?: string;
  number?: string;
  kind: string;
  /** The text's file in docs/laws/. */
  file?: string;
  status: 'in-force' | 'repealed' | 'superseded';
  replacedBy?: string;
  statusDate?: string;
  /** The passage showing the status: in `instrument` (default: this one) at `article` (default: the header). */
  evidence?: { instrument?: string; article?: string; text: string };
  note?: string;
  /** The district's own rule: not law. */
  local?: boolean;
  notInFolder?: { source: string; checkedOn: string; note: string };
}

export const INSTRUMENTS: readonly Instrument[] = register.instruments as Instrument[];

const named = (name: string) => INSTRUMENTS.filter((i) => i.name === name || i.aliases?.includes(name));

/** The instrument a citation names; a bare name with several editions means the one in force. */
export function resolveInstrument(cited: string): Instrument | undefined {
  const text = cited.replace(/[《》]/g, '').trim();
  const whole = named(text);
  if (whole.length === 1) return whole[0];
  if (whole.length > 1) {
    const current = whole.filter((i) => i.status === 'in-force');
    return current.length === 1 ? current[0] : undefined;
  }
  const m = /^(.+)（([^（）]+)）$/.exec(text);
  if (!m) return undefined;
  const [, base, qualifier] = m;
  const hits = named(base!).filter((i) => i.edition === qualifier || i.number === qualifier);
  return hits.length === 1 ? hits[0] : undefined;
}

/** How a finding or a message names an instrument: 名称（版本）. */
export function instrumentLabel(i: Instrument): string {
  return i.edition ? `${i.name}（${i.edition}）` : i.name;
}
