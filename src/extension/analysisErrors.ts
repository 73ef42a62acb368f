/** Why an analysis of a file or document gave no result: errors the analysis paths tell apart. */

export class NotATensorFileError extends Error {}

/** A saved document's file, read by its worker, was not the document's text (it changed in between). */
export class NotTheDocumentError extends Error {}
