/**
 * Issue 17, hover markdown: class names from the file cannot add links (a trusted
 * gradientLens.showJacobian link with any argument), images (a remote tracking beacon), HTML,
 * theme icons or lines of their own. The hover text is rendered with markdown-it (CommonMark, with
 * linkify as GitHub-flavoured autolinks) and every link and image in it is listed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import MarkdownIt from 'markdown-it';
import { classificationHoverText, deadNeuronNote, HOVER_COMMANDS, networkSampleHoverText } from '../../../src/extension/hoverText';
import { escapeMarkdown } from '../../../src/shared/markdownText';
import { summarizeSample, type ClassificationSampleSummary } from '../../../src/core/sampleHover';
import { runPipeline } from '../../../src/core/pipeline';
import { summarizeResult } from '../../../src/core/resultSummary';
import { TensorStore, type SampleRow } from '../../../src/core/tensorQuery';

const md = new MarkdownIt({ html: true, linkify: true });

interface Found {
  links: string[];
  images: string[];
  html: string[];
  text: string;
}

function inspect(markdown: string): Found {
  const found: Found = { links: [], images: [], html: [], text: '' };
  const walk = (tokens: ReturnType<typeof md.parse>) => {
    for (const t of tokens) {
      if (t.type === 'link_open') found.links.push(t.attrGet('href') ?? '');
      if (t.type === 'image') found.images.push(t.attrGet('src') ?? '');
      if (t.type === 'html_inline' || t.type === 'html_block') found.html.push(t.content);
      if (t.type === 'text' || t.type === 'code_inline') found.text += t.content;
      if (t.children) walk(t.children);
    }
  };
  walk(md.parse(markdown, {}));
  return found;
}

const HOSTILE = [
  '[x](command:gradientLens.showJacobian?%5B%22file%3A%2F%2F%2Fetc%2Fpasswd%22%2C0%5D)',
  '![b](https://evil.example/beacon.png)',
  '<img src="https://evil.example/b.png">',
  '$(error) wrong** · predicted **cat',
  'a\n\n**Gradient Lens · sample 9** — loss **0**',
  'https://evil.example/x www.evil.example',
  '`code` | cell | *em* _em_ # heading',
  '\u202egnp.exe',
  '[y]: https://evil.example/ref',
];

function summary(names: string[]): ClassificationSampleSummary {
  return {
    task: 'classification',
    index: 1,
    loss: 0.25,
    actual: 0,
    actualName: names[0],
    predicted: 1,
    predictedName: names[1],
    pTrue: 0.78,
    correct: false,
    top: names.map((name, j) => ({ index: j, name, p: 0.1, y: j === 0 ? 1 : 0, gradient: 0.01 })),
    k: names.length,
    gradientNorm: 0.5,
    scale: 0.5,
  };
}

describe('hover markdown escapes every piece of file text', () => {
  test('hostile class names: only the three command links we build, no image, no HTML, names shown as written', () => {
    for (const name of HOSTILE) {
      const text = classificationHoverText('file:///data/x.json', summary([name, `${name} 2`, 'plain']));
      const found = inspect(text);
      assert.deepEqual(found.images, [], name);
      assert.deepEqual(found.html, [], name);
      assert.equal(found.links.length, 3, `${name}: ${found.links.join(' ')}`);
      const commands = found.links.map((href) => {
        const m = /^command:([\w.]+)\?(.*)$/.exec(href);
        assert.ok(m, href);
        assert.deepEqual(JSON.parse(decodeURIComponent(m[2])), ['file:///data/x.json', 1]);
        return m[1];
      });
      assert.deepEqual(commands, ['gradientLens.showJacobian', 'gradientLens.showGradients', 'gradientLens.explainChainRule']);
      assert.ok(commands.every((c) => (HOVER_COMMANDS as readonly string[]).includes(c)));
      // The name reads as it is (control and bidi characters made visible), in the rendered text.
      const shown = name.replace(/\n/g, '\\n').replace(/\u202e/g, '\\u202e');
      assert.ok(found.text.includes(shown), `${JSON.stringify(name)} not shown literally`);
      // No line of the markdown starts with text from the name.
      assert.ok(!text.split('\n').some((line) => line.startsWith('**Gradient Lens · sample 9')), name);
    }
  });

  test('theme icons from a name are escaped ($ is escaped, so $(error) is not an icon)', () => {
    assert.equal(escapeMarkdown('$(error)'), '\\$\\(error\\)');
    const text = classificationHoverText('file:///x', summary(['$(error)', '$(pass)']));
    assert.equal(text.match(/(?<!\\)\$\(/g)?.length, 1); // our own correct/wrong mark only
  });

  test('network sample hover', () => {
    const found = inspect(networkSampleHoverText(0, 0.5, { actual: HOSTILE[0], predicted: HOSTILE[1] }));
    assert.deepEqual([found.links, found.images, found.html], [[], [], []]);
  });
});

describe('issue 16: the hover says what the 1/N scale is, and its table columns agree with it', () => {
  // Three samples of three classes, from the pipeline (the host's summary and the worker's row).
  const file = '{"classes": ["cat", "dog", "bird"], "logits": [[2, 1, 0.1], [0.5, 2.5, 0.3], [0.2, 0.2, 3]], "labels": [0, 2, 2]}';
  const result = runPipeline(new TextEncoder().encode(file), 'f.json');
  const { dataset, analysis } = summarizeResult(result);
  const row = new TensorStore(result).answer({ kind: 'row', index: 1 }) as SampleRow;
  const s = summarizeSample(dataset!, analysis!, row) as ClassificationSampleSummary;
  const text = classificationHoverText('file:///f.json', s);
  const lines = text.split('\n');

  test('N written out and the mean’s share explained in words; no bare "× 1/N = 0.3333"', () => {
    assert.ok(!text.includes('× 1/N'), text);
    const line = lines.find((l) => l.startsWith('∂𝓛/∂z ='))!;
    assert.match(line, /^∂𝓛\/∂z = \(p − y\) \/ N with N = 3 samples: the batch-mean loss’s gradient, this sample’s 1\/3 share/);
    assert.match(line, /its own loss’s gradient is p − y/);
  });

  test('each row of the table: p, y and a gradient column that is (p − y) / 3, as its heading says', () => {
    const table = lines.filter((l) => l.startsWith('|'));
    assert.equal(table[0], '| class | p (predicted) | y (target) | ∂𝓛/∂z = (p − y) / 3 |');
    const parse = (cell: string) => Number(cell.trim().replace(/−/g, '-'));
    const rows = table.slice(2).map((l) => l.split('|').slice(1, -1));
    assert.deepEqual(
      rows.map((r) => r[0].trim()),
      ['cat', 'dog', 'bird'],
    );
    // NumPy: softmax([0.5, 2.5, 0.3]) = [0.10860373, 0.80247906, 0.08891721]; (p − y)/3 = [0.0362012, 0.267493, −0.303694].
    assert.deepEqual(
      rows.map((r) => parse(r[1])),
      [0.1086, 0.8025, 0.08892],
    );
    assert.deepEqual(
      rows.map((r) => parse(r[3])),
      [0.0362, 0.2675, -0.3037],
    );
    assert.deepEqual(
      rows.map((r) => parse(r[2])),
      [0, 0, 1],
    );
    for (const r of rows) assert.ok(Math.abs(parse(r[3]) - (parse(r[1]) - parse(r[2])) / 3) < 2e-4, r.join('|'));
  });

  test('a sum has no 1/N: the heading and the line say p − y', () => {
    const sum = classificationHoverText('file:///f.json', { ...s, scale: 1 });
    assert.ok(sum.includes('| class | p (predicted) | y (target) | ∂𝓛/∂z = p − y |'));
    assert.match(sum, /∂𝓛\/∂z = p − y \(the batch loss is a sum/);
  });
});

test('issue 16: a dead ReLU neuron’s note in the weight hover says why its gradient is zero', () => {
  assert.equal(
    deadNeuronNote(4, 6),
    '$(warning) **dead ReLU neuron 4**: z ≤ 0 for all 6 samples, so σ′(z) = 0 and its ∂𝓛/∂w and ∂𝓛/∂b are exactly 0 (it does not learn)',
  );
});
