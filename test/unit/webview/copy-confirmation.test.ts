// Issue 16, "the copied confirmation is tiny grey text": after Copy CSV / Copy JSON the panel shows a
// notification-coloured message right below the buttons, in a polite live region, that goes after a
// few seconds; in the high-contrast theme it is drawn in the theme's contrast border. Headless
// Chromium with the panel's real CSS and each theme's --vscode-* values (test/webview-page).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { confirmation, STATUS_MS } from '../../../src/webview/statusToast';
import { CHROMIUM, launch, openPanel, type PanelPage } from '../../webview-page/page';
import { classificationPayload } from '../../webview-page/payloads';
import { THEMES, type ThemeName } from '../../webview-page/themes';

const skip = existsSync(CHROMIUM) || process.env.CI ? false : `no Chromium at ${CHROMIUM}`;
let browser: Browser;

before(async () => {
  if (!skip) browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** '#rrggbb' → the 'rgb(r, g, b)' getComputedStyle gives. */
function rgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}

interface StatusBox {
  text: string;
  kind: string | undefined;
  role: string | null;
  live: string | null;
  opacity: string;
  background: string;
  color: string;
  borderTop: string;
  borderLeft: string;
  weight: number;
  box: { top: number; bottom: number; right: number };
  buttons: { bottom: number; right: number };
  viewport: number;
}

async function statusBox(panel: PanelPage): Promise<StatusBox> {
  return panel.page.$eval('[data-testid="status"]', (e) => {
    const s = getComputedStyle(e);
    const r = e.getBoundingClientRect();
    const b = document.querySelector('[data-testid="copy-csv"]')!.parentElement!.getBoundingClientRect();
    return {
      text: e.textContent ?? '',
      kind: (e as HTMLElement).dataset.kind,
      role: e.getAttribute('role'),
      live: e.getAttribute('aria-live'),
      opacity: s.opacity,
      background: s.backgroundColor,
      color: s.color,
      borderTop: s.borderTopColor,
      borderLeft: s.borderLeftColor,
      weight: Number(s.fontWeight),
      box: { top: r.top, bottom: r.bottom, right: r.right },
      buttons: { bottom: b.bottom, right: b.right },
      viewport: window.innerHeight,
    };
  });
}

async function copyAndAck(panel: PanelPage, button: 'copy-csv' | 'copy-json', ok: boolean, message: string): Promise<string> {
  await panel.page.$eval(`[data-testid="${button}"]`, (e) => (e as HTMLElement).click());
  const copy = (await panel.posted()).filter((m) => m.type === 'copy').pop()!;
  const progress = await statusBox(panel);
  await panel.send({ type: 'ack', requestId: copy.requestId as number, ok, message });
  return `${progress.kind}: ${progress.text}`;
}

for (const theme of ['dark', 'light', 'high-contrast'] as ThemeName[]) {
  test(`${theme}: Copy CSV is confirmed below the buttons in the notification colours, then the message goes`, { skip }, async () => {
    const vars = THEMES[theme].vars;
    const panel = await openPanel({ theme, browser, width: 1000, height: 700 });
    // No fade: the styles are read the moment the message is set.
    await panel.page.emulateMedia({ reducedMotion: 'reduce' });
    try {
      await panel.show(classificationPayload({ n: 24, k: 10 }), { selected: 3, view: 'jacobian' });
      const empty = await statusBox(panel);
      // Empty, the live region is in the page (so it is announced when it fills) but not seen.
      assert.deepEqual([empty.text, empty.role, empty.live, empty.opacity], ['', 'status', 'polite', '0']);

      assert.equal(await copyAndAck(panel, 'copy-csv', true, 'copied to the clipboard'), 'progress: Copying 10 rows as CSV…');
      const shown = await statusBox(panel);
      assert.equal(shown.text, 'Copied 10 rows as CSV to the clipboard.');
      assert.equal(shown.kind, 'ok');
      assert.equal(shown.opacity, '1');
      assert.equal(shown.background, rgb(vars['--vscode-notifications-background']));
      assert.equal(shown.color, rgb(vars['--vscode-notifications-foreground']));
      assert.equal(shown.borderLeft, rgb(vars['--vscode-testing-iconPassed']));
      if (theme === 'high-contrast') assert.equal(shown.borderTop, rgb(vars['--vscode-contrastBorder']));
      assert.ok(shown.weight >= 600, `font-weight ${shown.weight}`);
      // Right below the buttons, its right edge on theirs.
      assert.ok(shown.box.top >= shown.buttons.bottom && shown.box.top <= shown.buttons.bottom + 10, JSON.stringify(shown));
      assert.ok(Math.abs(shown.box.right - shown.buttons.right) <= 1, JSON.stringify(shown));

      // It goes by itself (STATUS_MS.ok, 3 s), and the next message replaces it.
      await panel.page.waitForFunction(() => document.querySelector('[data-testid="status"]')!.textContent === '', undefined, {
        timeout: STATUS_MS.ok + 5000,
      });
      assert.equal((await statusBox(panel)).opacity, '0');

      // A refused or failed copy is an error, in the theme's error colour.
      await copyAndAck(panel, 'copy-json', false, 'the clipboard is not available');
      const failed = await statusBox(panel);
      assert.equal(failed.text, 'Copying 10 rows as JSON failed: the clipboard is not available');
      assert.equal(failed.kind, 'error');
      assert.equal(failed.color, rgb(vars['--vscode-errorForeground']));
    } finally {
      await panel.close();
    }
  });
}

test('scrolled to the bottom of a long view: the message is at the top of the panel, on screen', { skip }, async () => {
  const panel = await openPanel({ theme: 'dark', browser, width: 1000, height: 500 });
  await panel.page.emulateMedia({ reducedMotion: 'reduce' });
  try {
    await panel.show(classificationPayload({ n: 24, k: 10 }), { selected: 3, view: 'jacobian' });
    await panel.page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const buttons = await panel.page.$eval('[data-testid="copy-csv"]', (e) => e.parentElement!.getBoundingClientRect().bottom);
    assert.ok(buttons < 0, `the buttons are scrolled away (${buttons})`);
    await copyAndAck(panel, 'copy-csv', true, 'copied to the clipboard');
    const shown = await statusBox(panel);
    assert.equal(shown.opacity, '1');
    assert.ok(shown.box.top >= 0 && shown.box.bottom <= shown.viewport, JSON.stringify(shown));
  } finally {
    await panel.close();
  }
});

test('the confirmation names what was copied; other requests give the host’s message as a sentence', () => {
  assert.equal(confirmation('Copying 10 rows as CSV', 'copied to the clipboard'), 'Copied 10 rows as CSV to the clipboard.');
  assert.equal(confirmation('Copying 2 × 3 values', 'copied to the clipboard'), 'Copied 2 × 3 values to the clipboard.');
  assert.equal(confirmation('Saving PNG', 'saved /tmp/jacobian.png'), 'Saved /tmp/jacobian.png.');
  assert.equal(confirmation(undefined, ''), 'Request done.');
});
