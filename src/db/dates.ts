/** A `date` column as YYYY-MM-DD: pg hands dates back as local-midnight Date objects. */
export function isoDay(value: unknown): string {
  if (value instanceof Date) {
    return `${value.getFullYear()}-${String(value.getMonth() + 1).padStart(2, '0')}-${String(value.getDate()).padStart(2, '0')}`;
  }
  return String(value);
}
