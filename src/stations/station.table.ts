export interface StationTable {
  id: string;
  parent_id: string | null;
  level: 'district' | 'town' | 'village';
  path: string;
  name_zh: string;
  name_en: string;
}
