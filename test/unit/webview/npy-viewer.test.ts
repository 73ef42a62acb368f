// The NumPy viewer's page (src/webview/npy) in headless Chromium under its real CSP, with a fake
// host that answers its row requests exactly as npyEditor.ts does (the core's readNumberBlock and
// the view model's roles and label columns, from the real pipeline's analysis of a seeded .npz):
// 10,000 rows scroll with only a screenful in the DOM, every value shown equals the array's, the
// columns carry the class names, the rows their true and predicted class, and the roles are named.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { clampBlock, readNumberBlock, tableShape } from '../../../src/core/arrayRows';
import { readNpy, writeNpy } from '../../../src/core/npy';
import { writeNpz } from '../../../src/core/npz';
import { runPipeline } from '../../../src/core/pipeline';
import { analysisInfo, arrayInfo, roleSources, rowColumnValues, withRoles, type ViewerArray } from '../../../src/extension/npyViewModel';
import type { NpyRowsRequest, NpyShowMessage, ToNpyViewer, ToWebview } from '../../../src/shared/protocol';
import { CHROMIUM, cspViolations, launch, openPanel, type PanelPage } from '../../webview-page/page';
import { CIFAR10, seeded } from '../../webview-page/payloads';

const skip = existsSync(CHROMIUM) || process.env.CI ? false : `no Chromium at ${CHROMIUM}`;
const N = 10_000;
const K = 10;
let browser: Browser;
let page: PanelPage;

const rand = seeded(16);
const logits = Float64Array.from({ length: N * K }, () => rand() * 8 - 4);
const labels = Int32Array.from({ length: N }, () => Math.floor(rand() * K));
const file = runPipeline(writeNpz({ scores: { data: logits, shape: [N, K] }, y: { data: labels, shape: [N] } }), 'batch.npz', {
  siblings: { 'classes.txt': new TextEncoder().encode(CIFAR10.join('\n')) },
});
const raw: ViewerArray[] = [
  { name: 'scores', array: readNpy(writeNpy(logits, [N, K])) },
  { name: 'y', array: readNpy(writeNpy(labels, [N])) },
];
const sources = roleSources(file, raw, 'classes.txt', headOf(file));
const infos = withRoles(raw.map(arrayInfo), file, sources);
const asked: NpyRowsRequest[] = [];

/** Answers every row request the page has posted since the last call, as the host would. */
async function serve(): Promise<number> {
  const posted = (await page.posted()).filter((m) => m.type === 'npyRows') as unknown as NpyRowsRequest[];
  const fresh = posted.slice(asked.length);
  for (const m of fresh) {
    asked.push(m);
    const a = raw[m.array].array!;
    const table = tableShape(a.shape);
    const b = clampBlock(table, m);
    const info = infos[m.array];
    const answer: ToNpyViewer = {
      type: 'npyRows',
      requestId: m.requestId,
      array: m.array,
      ...b,
      values: readNumberBlock(a.data, table, b),
      strings: null,
      rowColumns: rowColumnValues(info.rowColumns ?? [], file, b.row0, b.row1, info.rowColumns?.includes('class') ? a.data : undefined),
    };
    await page.send(answer as unknown as ToWebview);
  }
  return fresh.length;
}

/** Serves requests until the page shows row `row` of the first table with its values. */
async function untilRowShown(row: number): Promise<void> {
  for (let round = 0; round < 200; round++) {
    await serve();
    const shown = await page.page.$$eval(
      `[data-testid="npy-table"][data-array="0"] tr[data-row="${row}"] td[data-value]`,
      (tds) => tds.length,
    );
    if (shown > 0) return;
    await page.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  }
  throw new Error(`row ${row} never showed`);
}

interface Row {
  cols: number[];
  values: number[];
  texts: string[];
  label: string;
  predicted: string;
}
const rowOf = (row: number): Promise<Row> =>
  page.page.$eval(`[data-testid="npy-table"][data-array="0"] tr[data-row="${row}"]`, (tr) => {
    const tds = [...tr.querySelectorAll<HTMLElement>('td[data-value]')];
    return {
      cols: tds.map((td) => Number(td.dataset.col)),
      values: tds.map((td) => Number(td.dataset.value)),
      texts: tds.map((td) => td.textContent ?? ''),
      label: tr.querySelector('[data-testid="npy-label"]')?.textContent ?? '',
      predicted: tr.querySelector('[data-testid="npy-predicted"]')?.textContent ?? '',
    };
  });

function assertRow(r: Row, i: number): void {
  assert.ok(r.cols.length > 0, `row ${i} has cells`);
  r.cols.forEach((c, n) => assert.equal(r.values[n], logits[i * K + c], `[${i}, ${c}]`));
  assert.equal(r.label, CIFAR10[labels[i]]);
  const a = file.analysis!;
  assert.ok(a.task === 'classification');
  assert.equal(r.predicted, CIFAR10[a.predicted[i]]);
}

before(async () => {
  if (skip) return;
  browser = await launch();
  page = await openPanel({ browser, entry: 'src/webview/npy/main.ts', style: 'media/npy.css', width: 1000, height: 800 });
  const show: NpyShowMessage = {
    type: 'npyShow',
    fileName: 'batch.npz',
    error: null,
    arrays: infos,
    metadata: [],
    layers: [],
    analysis: analysisInfo(file, null, sources),
  };
  await page.send(show as unknown as ToWebview);
});
after(async () => {
  await page?.close();
  await browser?.close();
});

test('a 10,000-row array: a screenful in the DOM, values equal to the array, class names and labels', { skip }, async () => {
  await untilRowShown(0);
  const heads = await page.page.$$eval('[data-testid="npy-table"][data-array="0"] [data-testid="npy-colhead"]', (ths) =>
    ths.map((th) => th.textContent),
  );
  assert.deepEqual(heads, CIFAR10);
  for (const i of [0, 1, 7]) assertRow(await rowOf(i), i);
  const inDom = () => page.page.$$eval('[data-testid="npy-table"][data-array="0"] tr[data-row]', (trs) => trs.length);
  assert.ok((await inDom()) < 60, `rows in the DOM: ${await inDom()}`);

  // Scroll to row 5,000 as a user would drag the scrollbar: only that part of the array is asked for.
  await page.page.$eval('[data-testid="npy-table"][data-array="0"]', (box) => (box.scrollTop = 22 + 5000 * 22));
  await untilRowShown(5000);
  for (const i of [5000, 5003]) assertRow(await rowOf(i), i);
  assert.ok((await inDom()) < 60, `rows in the DOM after scrolling: ${await inDom()}`);
  const rowsAsked = asked.filter((m) => m.array === 0).reduce((s, m) => s + (m.row1 - m.row0), 0);
  assert.ok(rowsAsked <= 4 * 64, `rows asked for: ${rowsAsked} of ${N}`);
  assert.ok(!asked.some((m) => m.row0 > 0 && m.row0 < 4900 && m.array === 0), 'nothing between the two screens was asked for');

  // The labels array shows each label's class name; the roles are named with their arrays.
  const labelsHead = await page.page.$$eval('[data-testid="npy-array"][data-name="y"] [data-testid="npy-role-badge"]', (b) =>
    b.map((x) => x.textContent),
  );
  assert.deepEqual(labelsHead, ['labels']);
  const roles = await page.page.innerText('[data-testid="npy-roles"]');
  assert.match(roles, /logits ← scores/);
  assert.match(roles, /labels ← y/);
  assert.match(roles, /class names ← classes\.txt/);
  const loss = await page.page.innerText('[data-testid="npy-analysis"] strong');
  assert.ok(file.analysis && Math.abs(Number(loss.replace('\u2212', '-')) - file.analysis.loss) <= 5e-6 * file.analysis.loss, loss);
  if (process.env.NPY_SHOT) await page.page.screenshot({ path: process.env.NPY_SHOT, fullPage: false });
  assert.deepEqual(await cspViolations(page.page), []);
  assert.deepEqual(page.errors, []);
});

test('the page only ever posts messages of its protocol', { skip }, async () => {
  const { parseNpyViewerMessage } = await import('../../../src/shared/protocol');
  for (const m of await page.posted()) assert.ok(parseNpyViewerMessage(m), JSON.stringify(m));
});

test('a failed analysis offers to try again; a file that cannot be read says why and shows nothing else', { skip }, async () => {
  const base: NpyShowMessage = {
    type: 'npyShow',
    fileName: 'batch.npz',
    error: null,
    arrays: infos,
    metadata: [['source', '<script>alert(1)</script>']],
    layers: [],
    analysis: analysisInfo(null, 'the worker stopped', roleSources(null, [], null)),
  };
  await page.send(base as unknown as ToWebview);
  assert.match(await page.page.innerText('[data-testid="npy-analysis"]'), /the worker stopped/);
  // File text is text: the metadata's markup is shown, not run.
  assert.equal(await page.page.innerText('table.metadata td'), '<script>alert(1)</script>');
  await page.page.click('button[data-retry]');
  assert.ok((await page.posted()).some((m) => m.type === 'retry'));
  await page.send({
    ...base,
    error: 'batch.npz: not a zip archive (no end-of-central-directory record)',
    arrays: [],
  } as unknown as ToWebview);
  assert.match(await page.page.innerText('[data-testid="npy-error"]'), /not a zip archive/);
  assert.equal(await page.page.$$eval('[data-testid="npy-table"]', (t) => t.length), 0);
  assert.deepEqual(page.errors, []);
});

/** The first rows of the analysis' input, as the editor asks the data's holder for them. */
function headOf(file: ReturnType<typeof runPipeline>): Float64Array | null {
  const d = file.dataset;
  return d?.task === 'classification' ? d.values.subarray(0, Math.min(d.n, 8) * d.k) : null;
}
