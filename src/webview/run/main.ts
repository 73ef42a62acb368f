// The training-run panel's page: the timeline of a run from its manifest (loss over steps,
// gradient norms per parameter with flags), a step slider, and a button that opens the chosen
// step's batch in the Gradient Lens panel. Messages follow src/shared/protocol.ts.
import type { FromRunWebview, ToRunWebview } from '../../shared/protocol';
import { fmt } from '../format';
import { vscodeApi } from '../post';
import { normHeatmap } from './normHeatmap';
import { runLossChart } from './runLossChart';
import { RunState } from './runState';

const api = vscodeApi();
const post = (m: FromRunWebview) => api.postMessage(m as never);
const doc = document;
const root = doc.getElementById('gl-root') ?? doc.body.appendChild(doc.createElement('main'));
const run = new RunState();
let selected = -1;
let rendered = false;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, testId?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = doc.createElement(tag);
  if (cls) e.className = cls;
  if (testId) e.dataset.testid = testId;
  if (text !== undefined) e.textContent = text;
  return e;
}

const title = el('h2', 'gl-run-title', 'run-title');
const status = el('p', 'gl-run-status', 'run-status');
status.setAttribute('aria-live', 'polite');
const lossBox = el('div', 'gl-run-box', 'run-loss-box');
const normBox = el('div', 'gl-run-box', 'run-norm-box');
const slider = el('input', 'gl-run-slider', 'run-step-slider');
slider.type = 'range';
slider.min = '0';
slider.id = 'gl-run-slider';
const sliderLabel = el('label', 'gl-run-slider-label', undefined, 'Step');
sliderLabel.htmlFor = slider.id;
const stepText = el('output', 'gl-run-step', 'run-step-label');
const openButton = el('button', 'gl-run-open', 'run-open-step', 'Open this step’s batch');
const openStatus = el('p', 'gl-run-open-status', 'run-open-status');
openStatus.setAttribute('aria-live', 'polite');
const problemList = el('ul', 'gl-run-problems', 'run-problems');

function layout(): void {
  root.replaceChildren();
  root.removeAttribute('aria-busy');
  const header = el('header', 'gl-run-header');
  header.append(title, status);
  const stepRow = el('div', 'gl-run-step-row');
  stepRow.append(sliderLabel, slider, stepText, openButton);
  const lossSection = el('section', 'gl-run-section');
  lossSection.append(el('h3', '', undefined, 'Loss over steps (logged)'), lossBox);
  const normSection = el('section', 'gl-run-section');
  normSection.append(el('h3', '', undefined, 'Gradient norm per parameter and step'), normBox);
  root.append(header, stepRow, openStatus, lossSection, normSection, problemList);
  rendered = true;
}

function draw(): void {
  if (!rendered) layout();
  const n = run.steps.length;
  const latest = run.steps[n - 1];
  title.textContent = `Training run: ${run.runName}`;
  status.textContent =
    n === 0
      ? 'No steps logged yet; waiting for the first one.'
      : `${n} step${n === 1 ? '' : 's'} · latest step ${latest.step}${latest.loss !== null ? `, loss ${fmt(latest.loss)}` : ''}${run.pending ? ' · a step is being written…' : ''}`;
  root.dataset.steps = String(n);
  slider.max = String(Math.max(0, n - 1));
  slider.disabled = n === 0;
  openButton.disabled = n === 0;
  if (selected >= 0) slider.value = String(selected);
  const s = run.steps[selected];
  stepText.textContent = s ? `step ${s.step}${s.loss !== null ? ` · loss ${fmt(s.loss)}` : ''}` : '—';
  slider.setAttribute('aria-valuetext', stepText.textContent);
  const width = Math.max(280, root.clientWidth - 8);
  lossBox.replaceChildren(runLossChart(doc, run, { width, selected, pick: choose }));
  normBox.replaceChildren(
    run.params.length ? normHeatmap(doc, run, { width, selected, pick: choose }) : el('p', 'gl-empty', undefined, 'No parameters logged.'),
  );
  problemList.replaceChildren(...run.problems.map((p) => el('li', p.includes(': warning: ') ? 'warning' : 'error', 'run-problem', p)));
}

/** A step chosen on a chart: select it and open its batch. */
function choose(index: number): void {
  selected = index;
  draw();
  open();
}

function open(): void {
  if (!run.steps[selected]) return;
  openStatus.textContent = `Opening step ${run.steps[selected].step}…`;
  post({ type: 'openStep', index: selected });
}

slider.addEventListener('input', () => {
  selected = Number(slider.value);
  draw();
});
slider.addEventListener('change', () => open());
openButton.addEventListener('click', () => open());

window.addEventListener('message', (event: MessageEvent<ToRunWebview>) => {
  const m = event.data;
  try {
    if (m?.type === 'runUpdate') {
      // Following the latest step (nothing chosen, or the last one chosen) keeps following it.
      const following = selected < 0 || selected >= run.steps.length - 1;
      run.apply(m);
      if (following || m.reset) selected = run.steps.length - 1;
      selected = Math.min(selected, run.steps.length - 1);
      draw();
    } else if (m?.type === 'runStepOpened') {
      openStatus.textContent = m.message;
      openStatus.className = m.ok ? 'gl-run-open-status' : 'gl-run-open-status error';
    }
  } catch (e) {
    const err = e as Error;
    post({ type: 'log', level: 'error', message: `run panel: ${err.message}\n${err.stack ?? ''}`.slice(0, 9000) });
  }
});

let resizeTimer: ReturnType<typeof setTimeout> | undefined;
new ResizeObserver(() => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => rendered && draw(), 100);
}).observe(root);

post({ type: 'ready' });
