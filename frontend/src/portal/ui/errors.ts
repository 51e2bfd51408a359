/**
 * userErrors from a mutation payload, matched to the form fields that show
 * them. The API names a field by its path from the mutation's arguments,
 * e.g. ["input", "card", "expYear"] or ["input", "lines", "0", "unitPrice"];
 * forms name fields by the same path without the leading "input".
 */
export interface UserError {
  field?: readonly string[] | null;
  code: string;
  message: string;
}

export function pathOf(error: UserError): string {
  const field = error.field ?? [];
  const parts = field[0] === 'input' ? field.slice(1) : field;
  return parts.join('.');
}

/** The message for one field, or undefined when it has none. */
export function errorFor(errors: readonly UserError[], path: string): string | undefined {
  return errors.find((error) => pathOf(error) === path)?.message;
}

/** Errors that no shown field will display: they go in the form's banner. */
export function unplaced(errors: readonly UserError[], shown: readonly string[]): UserError[] {
  return errors.filter((error) => !shown.includes(pathOf(error)));
}
