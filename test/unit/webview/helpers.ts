/**
 * DOM and snapshot helpers for the webview's unit tests. A snapshot is an SVG written one element
 * per line with every number of three or more decimals rounded to two, so it survives harmless
 * floating-point noise but not a moved mark. A changed snapshot is written beside the committed
 * one as NAME.new.svg and the test fails; GL_UPDATE_SNAPSHOTS=1 accepts new and changed ones.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { DEFAULT_THEMES, type Theme } from '../../../src/webview/colors';
import { LiveRegion, Tooltip, type ChartUi } from '../../../src/webview/tooltip';

const SNAPSHOTS = join(__dirname, '__snapshots__');

export function dom(): { document: Document; ui: ChartUi } {
  const { document } = parseHTML('<!DOCTYPE html><html><body></body></html>') as unknown as { document: Document };
  return { document, ui: { tooltip: new Tooltip(document, document.body), live: new LiveRegion(document, document.body) } };
}

export const DARK: Theme = DEFAULT_THEMES.dark;
export const LIGHT: Theme = DEFAULT_THEMES.light;

export function normalizeSvg(svg: string): string {
  return (
    svg
      .replace(/-?\d+\.\d{3,}(?:e[-+]?\d+)?/g, (m) => String(Math.round(Number(m) * 100) / 100))
      .replace(/></g, '>\n<')
      .trim() + '\n'
  );
}

export function matchSnapshot(name: string, svg: string): void {
  const file = join(SNAPSHOTS, `${name}.svg`);
  const fresh = join(SNAPSHOTS, `${name}.new.svg`);
  const actual = normalizeSvg(svg);
  const update = process.env.GL_UPDATE_SNAPSHOTS === '1';
  if (!existsSync(file)) {
    if (update) {
      writeFileSync(file, actual);
      return;
    }
    writeFileSync(fresh, actual);
    assert.fail(`no snapshot ${name}.svg: wrote ${name}.new.svg; review it and rename it (or run with GL_UPDATE_SNAPSHOTS=1)`);
  }
  const expected = readFileSync(file, 'utf8');
  if (expected === actual) {
    if (existsSync(fresh)) rmSync(fresh);
    return;
  }
  if (update) {
    writeFileSync(file, actual);
    return;
  }
  writeFileSync(fresh, actual);
  assert.equal(actual, expected, `snapshot ${name}.svg changed: the new output is in ${name}.new.svg`);
}

/** data-* of every element matching `selector`, as numbers where they parse. */
export function cells(root: Element, selector: string): Array<Record<string, number>> {
  return Array.from(root.querySelectorAll(selector)).map((e) => {
    const out: Record<string, number> = {};
    for (const a of Array.from(e.attributes))
      if (a.name.startsWith('data-') && a.name !== 'data-testid') out[a.name.slice(5)] = Number(a.value);
    return out;
  });
}
