/**
 * Issue 17, hover markdown: class names from the file cannot add links (a trusted
 * gradientLens.showJacobian link with any argument), images (a remote tracking beacon), HTML,
 * theme icons or lines of their own. The hover text is rendered with markdown-it (CommonMark, with
 * linkify as GitHub-flavoured autolinks) and every link and image in it is listed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import MarkdownIt from 'markdown-it';
import { classificationHoverText, HOVER_COMMANDS, networkSampleHoverText } from '../../src/extension/hoverText';
import { escapeMarkdown } from '../../src/shared/markdownText';
import type { ClassificationSampleSummary } from '../../src/core/sampleSummary';

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
