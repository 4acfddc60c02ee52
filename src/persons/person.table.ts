import type { Day, Json, Timestamp } from '../db/column-types.ts';

export interface PersonTable {
  id: string;
  name: string;
  /** AES-256-GCM ciphertext and keyed hash of the ID number; the phone's ciphertext (src/crypto/data-key.ts). */
  id_number_enc: string;
  id_number_hash: string;
  sex: 'male' | 'female';
  birth_date: Day;
  phone_enc: string | null;
  station_id: string;
  station_path: string;
  attributes: Json<Record<string, unknown>>;
  created_by: string;
  created_at: Timestamp;
}

export interface PersonRelationTable {
  person_id: string;
  related_person_id: string;
  relation: string;
}

/** A change of a person's particulars (migration 0014): values as text, sealed where the file seals them. */
export interface PersonCorrectionTable {
  id: string;
  person_id: string;
  field: string;
  old_value: string | null;
  new_value: string | null;
  reason: string;
  corrected_by: string;
  corrected_at: Timestamp;
}

/** A registration of an ID number another station holds, waiting for it (migration 0014). */
export interface PersonTransferTable {
  id: string;
  person_id: string;
  from_station_id: string;
  from_station_path: string;
  to_station_id: string;
  to_station_path: string;
  /** The name the registering clerk typed, for the holding station to compare. */
  name: string;
  status: 'pending' | 'accepted' | 'refused';
  requested_by: string;
  requested_at: Timestamp;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_reason: string | null;
}
