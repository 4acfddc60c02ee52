/** A message about one field of submitted data. */
export interface FieldError {
  /** JSON Pointer into the submitted data. */
  path: string;
  message: string;
}
