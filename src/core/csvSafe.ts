/**
 * CSV/TSV injection (OWASP "CSV Injection"): a text cell starting with =, +, -, @, tab or CR is
 * read as a formula by spreadsheets, so it gets a leading ' (shown as text, not evaluated). Only
 * for text — class names, labels — and never for a number: "-0.25" stays a number.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(Infinity|NaN)$/;

export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) && !NUMBER.test(text) ? `'${text}` : text;
}
