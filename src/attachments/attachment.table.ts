import type { Timestamp } from '../db/column-types.ts';

/** Scans and photos kept with a case (migration 0005); filename, bytes and thumbnail are encrypted. */
export interface AttachmentTable {
  id: string;
  case_id: string;
  /** The ATTACH history entry that recorded the file. */
  event_seq: number;
  material_id: string | null;
  filename: string;
  mime: string;
  size: number;
  sha256: string;
  bytes: Buffer;
  thumbnail: Buffer | null;
  uploaded_by: string;
  at: Timestamp;
}
