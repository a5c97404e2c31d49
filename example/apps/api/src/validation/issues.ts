export interface ValidationIssue {
  /** Where in the input, e.g. `lines[1].quantity`. */
  readonly path: string;
  readonly message: string;
}
