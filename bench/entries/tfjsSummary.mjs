// TensorFlow.js peer of `gradient-lens analyze FILE.json --summary` (issue 22), for a fresh process:
// the JSON read and parsed, the logits made a tensor, then what --summary prints (the mean softmax
// cross-entropy and the accuracy) on TensorFlow.js's CPU backend. Bundled by the cli-vs-numpy
// section (the ESM dist of tfjs needs a bundler), then run as `node tfjs-summary.cjs FILE.json`.
// Prints one JSON line: the loss, the accuracy and the seconds inside the process.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

// A function, not top-level await: the bundle is CommonJS.
async function main() {
  const started = performance.now();
  const quiet = console.warn;
  console.warn = () => {}; // the "install tfjs-node for speed" banner
  await tf.setBackend('cpu');
  await tf.ready();
  const file = process.argv[2];
  const { logits, labels } = JSON.parse(readFileSync(file, 'utf8'));
  const k = logits[0].length;
  const z = tf.tensor2d(logits); // float32: the CPU backend has no float64
  const y = tf.tensor1d(labels, 'int32');
  const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(y, k), z); // the mean over samples
  const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(z, 1), y), 'float32'));
  const out = {
    loss: loss.dataSync()[0],
    accuracy: accuracy.dataSync()[0],
    seconds: (performance.now() - started) / 1000,
    tfjs: tf.version_core,
  };
  console.warn = quiet;
  process.stdout.write(JSON.stringify(out) + '\n');
}

main();
