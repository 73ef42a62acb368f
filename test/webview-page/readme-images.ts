/**
 * The README's two screenshots, from the panel in headless Chromium (Dark Modern variables):
 * the 1,000-class Jacobian's default view and the chain rule in a narrow panel.
 * Usage: node --import tsx test/webview-page/readme-images.ts [outDir = docs/images]
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, openPanel } from './page';
import type { FullClassification } from './fixtureData';
import { softmaxCrossEntropy } from '../../src/core/losses';
import { classificationPayload, seeded } from './payloads';

/**
 * One ImageNet-like sample, wrong and fairly sure of it: most of the mass on a few look-alike
 * classes (281–285, as tabby / tiger cat / Egyptian cat…), the true class among them.
 */
function lookAlikes(): FullClassification {
  const k = 1000;
  const rand = seeded(17);
  const z = Float64Array.from({ length: k }, () => (rand() - 0.5) * 4);
  for (const [j, boost] of [
    [282, 8.4],
    [281, 7.6],
    [285, 6.9],
    [287, 5.2],
    [283, 4.8],
    [292, 4.2],
    [356, 3.9],
  ] as const)
    z[j] += boost;
  const y = new Float64Array(k);
  y[281] = 1;
  const r = softmaxCrossEntropy(z, y, 1, k, 'mean');
  let best = 0;
  for (let j = 1; j < k; j++) if (r.probabilities[j] > r.probabilities[best]) best = j;
  const classes = Array.from({ length: k }, (_, j) => String(j));
  Object.assign(classes, {
    281: 'tabby',
    282: 'tiger cat',
    283: 'Persian cat',
    285: 'Egyptian cat',
    287: 'lynx',
    292: 'tiger',
    356: 'weasel',
  });
  return {
    task: 'classification',
    fileName: 'imagenet-sample.json',
    input: 'logits',
    n: 1,
    k,
    classes,
    reduction: 'mean',
    loss: r.loss,
    losses: r.losses,
    probabilities: r.probabilities,
    targets: y,
    logitGradient: r.gradient,
    gradient: r.gradient,
    predicted: Int32Array.of(best),
    actual: Int32Array.of(281),
    pTrue: Float64Array.of(r.probabilities[281]),
  };
}

const out = process.argv[2] ?? 'docs/images';
mkdirSync(out, { recursive: true });

async function main(): Promise<void> {
  const browser = await launch();
  try {
    const wide = await openPanel({ browser, width: 860, height: 1040, theme: 'dark' });
    await wide.show(lookAlikes(), { selected: 0, view: 'jacobian' });
    await wide.page.mouse.move(0, 0);
    await wide.page.waitForTimeout(150);
    await wide.page.screenshot({ path: join(out, 'jacobian-1000.png'), fullPage: true });
    await wide.close();

    const narrow = await openPanel({ browser, width: 420, height: 700, theme: 'dark' });
    await narrow.show(classificationPayload({ n: 24, k: 10 }), { selected: 3, view: 'chain' });
    await narrow.page.mouse.move(0, 0);
    await narrow.page.waitForTimeout(150);
    await narrow.page.screenshot({ path: join(out, 'chain-narrow.png'), clip: { x: 0, y: 0, width: 420, height: 700 } });
    await narrow.close();
  } finally {
    await browser.close();
  }
  console.log(`README images in ${out}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
