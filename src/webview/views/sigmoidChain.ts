/**
 * The chain rule of a sigmoid (binary) loss for the selected sample: each output is its own
 * sigmoid, so the Jacobian is diagonal, ∂p_j/∂z_k = δ_jk σ(z_j)(1 − σ(z_j)), and
 * ∂L/∂z_j = ∂L/∂p_j · σ(1 − σ) alone. Beside it, what softmax's dense Jacobian diag(p) − p pᵀ would
 * make of the same ∂L/∂p: the off-diagonal −p_j p_k couple outputs that a multi-label head keeps apart.
 */
import type { ClassificationPayload } from '../../shared/protocol';
import { softmaxBackward } from '../../core/softmax';
import { fmt, precise } from '../format';
import { checkLine } from './check';
import { checkTolerance, className, el, heading, maxAbsDiff, classificationRow, type ViewContext, type ViewHandle } from './common';

export function renderSigmoidChain(host: HTMLElement, ctx: ViewContext): ViewHandle {
  const payload = ctx.payload as ClassificationPayload;
  const { doc, selected: i } = ctx;
  const { k } = payload;
  const name = (j: number) => className(payload.classes, j);
  const sample = classificationRow(ctx);
  const p = sample.p;
  const t = sample.yLoss;
  const dLdz = sample.dLdz;
  const fromProbabilities = payload.input === 'probabilities';
  const jDiag = p.map((v) => v * (1 - v));
  // ∂L/∂p: the file's own gradient for probabilities; for logits, ∂L/∂z over σ(1 − σ) where that is not 0.
  const dLdp = fromProbabilities ? sample.dLdInput : dLdz.map((g, j) => (jDiag[j] > 0 ? g / jDiag[j] : NaN));
  const product = dLdp.map((g, j) => (Number.isFinite(g) ? g * jDiag[j] : dLdz[j]));
  const softmaxWould = softmaxBackward(
    p,
    dLdp.map((g) => (Number.isFinite(g) ? g : 0)),
  );
  host.appendChild(
    heading(
      doc,
      `Chain rule through the sigmoid · sample ${i}`,
      `${payload.lossName ?? 'binary cross-entropy'}: each output j is its own sigmoid p_j = σ(z_j), so J = ∂p/∂z is diagonal with σ(1 − σ) = p_j(1 − p_j), and ∂L/∂z_j = ∂L/∂p_j · p_j(1 − p_j). Softmax's J = diag(p) − p pᵀ would add −p_j Σ_k p_k ∂L/∂p_k to every output.`,
    ),
  );
  const table = el(doc, 'table', { class: 'gl-table', 'data-testid': 'sigmoid-chain-table' });
  const head = el(doc, 'tr');
  for (const title of ['output', 'p = σ(z)', 't', '∂L/∂p', 'J_jj = p(1 − p)', '∂L/∂p · J_jj', '∂L/∂z (analysis)', 'softmax’s J would give'])
    head.appendChild(el(doc, 'th', {}, title));
  table.appendChild(head);
  for (let j = 0; j < k; j++) {
    const tr = el(doc, 'tr');
    const cells = [
      name(j),
      fmt(p[j]),
      fmt(t[j]),
      Number.isFinite(dLdp[j]) ? fmt(dLdp[j]) : '— (σ saturated)',
      fmt(jDiag[j]),
      fmt(product[j]),
      fmt(dLdz[j]),
      fmt(softmaxWould[j]),
    ];
    cells.forEach((c, col) => tr.appendChild(el(doc, 'td', col === 6 ? { title: precise(dLdz[j]) } : {}, c)));
    table.appendChild(tr);
  }
  host.appendChild(table);
  host.appendChild(
    checkLine(
      doc,
      'chain-product-check',
      '∂L/∂p · σ(1 − σ) and the analysis’s ∂L/∂z row',
      maxAbsDiff(product, dLdz),
      checkTolerance(product, dLdz),
    ),
  );
  return {
    table: () => ({
      name: `sigmoid-chain-rule-sample-${i}`,
      columns: ['output', 'name', 'p', 't', 'dL_dp', 'sigmoid_jacobian_diag', 'product', 'dL_dz', 'softmax_jacobian_would_give'],
      rows: Array.from({ length: k }, (_, j) => [j, name(j), p[j], t[j], dLdp[j], jDiag[j], product[j], dLdz[j], softmaxWould[j]]),
    }),
  };
}
