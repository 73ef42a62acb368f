/**
 * Text from a user's file placed in Markdown we render as trusted (hovers with command links):
 * every ASCII punctuation character is backslash-escaped (CommonMark allows it for all of them), so
 * no `[link](command:…)`, `![image](https://…)`, `$(icon)`, `<html>`, heading, emphasis, table cell
 * or autolink (`https\:\/\/…`, `www\.…`) can come from the file; control characters, newlines and
 * bidi overrides are made visible first (safeText), so a name cannot start a line of its own.
 */
import { escapeControls } from '../core/safeText';

export function escapeMarkdown(text: string): string {
  return escapeControls(text, true).replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}
