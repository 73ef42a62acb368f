/**
 * Screenshots of every view in the dark, light and high-contrast theme variable sets, for looking
 * at (and sharing). Usage: node --import tsx test/webview-page/screenshots.ts [outDir] [theme...]
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Payload, ViewId } from '../../src/shared/protocol';
import { launch, openPanel } from './page';
import { classificationPayload, regressionPayload, seededNetwork } from './payloads';
import type { ThemeName } from './themes';

const out = process.argv[2] ?? '/tmp/gradient-lens-shots';
const themes = (process.argv.slice(3).length ? process.argv.slice(3) : ['dark', 'light', 'high-contrast']) as ThemeName[];
mkdirSync(out, { recursive: true });

const shots: { name: string; payload: Payload; view: ViewId; selected: number; layer?: number; hover?: string }[] = [
  {
    name: 'jacobian',
    payload: classificationPayload({ n: 24, k: 10 }),
    view: 'jacobian',
    selected: 3,
    hover: '[data-testid="jacobian-heatmap"] [data-row="2"][data-col="5"]',
  },
  { name: 'gradient', payload: classificationPayload({ n: 24, k: 10 }), view: 'gradient', selected: 3 },
  { name: 'matrix', payload: classificationPayload({ n: 24, k: 10 }), view: 'matrix', selected: 3 },
  { name: 'losses', payload: classificationPayload({ n: 24, k: 10 }), view: 'losses', selected: 3 },
  { name: 'chain', payload: classificationPayload({ n: 24, k: 10 }), view: 'chain', selected: 3 },
  { name: 'matrix-large', payload: classificationPayload({ n: 2000, k: 100, seed: 5 }), view: 'matrix', selected: 40 },
  { name: 'losses-histogram', payload: classificationPayload({ n: 2000, k: 100, seed: 5 }), view: 'losses', selected: 40 },
  { name: 'jacobian-1000', payload: classificationPayload({ n: 2, k: 1000, seed: 9, spread: 4 }), view: 'jacobian', selected: 0 },
  { name: 'jacobian-10000', payload: classificationPayload({ n: 2, k: 10000, seed: 11, spread: 14 }), view: 'jacobian', selected: 0 },
  { name: 'regression', payload: regressionPayload(40, 6), view: 'gradient', selected: 2 },
  { name: 'network', payload: seededNetwork([6, 8, 5, 4], ['relu', 'tanh', 'softmax'], 16), view: 'network', selected: 1 },
  { name: 'network-chain', payload: seededNetwork([6, 8, 5, 4], ['relu', 'tanh', 'softmax'], 16), view: 'chain', selected: 1, layer: 1 },
  {
    name: 'network-chain-softmax',
    payload: seededNetwork([6, 8, 5, 4], ['relu', 'tanh', 'softmax'], 16),
    view: 'chain',
    selected: 1,
    layer: 2,
  },
];

// Every classification view at K = 3, 10 and 1,000 and N = 10,000 (issue 16: readable at every size).
const sizes: [string, Payload][] = [
  ['k3', classificationPayload({ n: 24, k: 3, seed: 3, classes: ['setosa', 'versicolor', 'virginica'] })],
  ['k10', classificationPayload({ n: 24, k: 10 })],
  ['k1000', classificationPayload({ n: 16, k: 1000, seed: 9, spread: 9 })],
  ['n10000', classificationPayload({ n: 10_000, k: 10, seed: 6 })],
];
for (const [size, payload] of sizes)
  for (const view of ['jacobian', 'gradient', 'matrix', 'losses', 'chain'] as const)
    shots.push({ name: `${view}-${size}`, payload, view, selected: 7 });

async function main(): Promise<void> {
  const only = process.env.GL_SHOTS?.split(',');
  const browser = await launch();
  try {
    for (const theme of themes) {
      const panel = await openPanel({ theme, browser, width: Number(process.env.GL_WIDTH ?? 1100), height: 860 });
      for (const s of shots) {
        if (only && !only.includes(s.name)) continue;
        await panel.show(s.payload, { selected: s.selected, view: s.view, layer: s.layer });
        if (s.hover) await panel.page.hover(s.hover);
        else await panel.page.mouse.move(0, 0);
        // Views that ask for their data (the batch matrix) are drawn when it comes: wait for that.
        await panel.page.waitForFunction(() => !document.querySelector('[aria-busy="true"], [data-testid="loading"]'), undefined, {
          timeout: 15_000,
        });
        await panel.page.waitForTimeout(120);
        await panel.page.screenshot({ path: join(out, `${s.name}-${theme}.png`), fullPage: true });
      }
      if (panel.errors.length) console.error(theme, panel.errors);
      await panel.close();
    }
  } finally {
    await browser.close();
  }
  console.log(`screenshots in ${out}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
