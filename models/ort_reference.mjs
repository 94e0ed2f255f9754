#!/usr/bin/env node
// Runs an ONNX model with ONNX Runtime (CPU) on a raw float32 input: the reference our engine is
// compared with, and the baseline it is timed against.
//
//   node models/ort_reference.mjs MODEL.onnx INPUT.bin --shape 1x3x640x640
//        [--input NAME] [--outdir DIR] [--threads 2] [--time N] [--warmup W]
//
// INPUT.bin: little-endian float32, in the given shape (NCHW). With --outdir, each output is
// written as raw float32 DIR/<output name>.bin (characters outside [A-Za-z0-9._-] become '_')
// and DIR/outputs.json lists names, dims and files; so does DIR/outputs.txt, one output a line
// ("name 1x40x6625 file.bin"), for readers without a JSON parser (the C tests).
// With --time N, the model is run W times (default 3) to warm up and then N times, and the
// median latency is printed as "median 12.345 ms, min ...".
//
// onnxruntime-node comes from models/fetch_models.sh: it is looked for in $TRT_DOWNLOAD_DIR/node,
// then in models/downloads/node, then wherever Node.js finds packages itself.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function usage(message) {
  if (message) console.error(`ort_reference: ${message}`);
  console.error(
    'usage: ort_reference.mjs MODEL.onnx INPUT.bin --shape AxBxCxD [--input NAME] ' +
      '[--outdir DIR] [--threads N] [--time N] [--warmup N]');
  process.exit(2);
}

function loadOrt() {
  const places = [];
  if (process.env.TRT_DOWNLOAD_DIR) places.push(path.join(process.env.TRT_DOWNLOAD_DIR, 'node'));
  places.push(path.join(here, 'downloads', 'node'));
  for (const place of places) {
    try {
      return createRequire(path.join(place, 'package.json'))('onnxruntime-node');
    } catch {
      // Not there; try the next place.
    }
  }
  try {
    return createRequire(import.meta.url)('onnxruntime-node');
  } catch {
    console.error('ort_reference: onnxruntime-node not found; run models/fetch_models.sh');
    process.exit(1);
  }
}

function parseArgs(argv) {
  const options = { threads: 2, time: 0, warmup: 3, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const takesValue = ['--shape', '--input', '--outdir', '--threads', '--time', '--warmup'];
    if (takesValue.includes(arg)) {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      options[arg.slice(2)] = argv[++i];
    } else if (arg === '-h' || arg === '--help') {
      usage();
    } else if (arg.startsWith('--')) {
      usage(`unknown option ${arg}`);
    } else {
      options.positional.push(arg);
    }
  }
  if (options.positional.length !== 2) usage('expected MODEL.onnx and INPUT.bin');
  if (!options.shape) usage('--shape is required');
  options.dims = options.shape.split('x').map(Number);
  if (options.dims.some((d) => !Number.isInteger(d) || d <= 0)) usage(`bad shape ${options.shape}`);
  for (const key of ['threads', 'time', 'warmup']) {
    options[key] = Number(options[key]);
    if (!Number.isInteger(options[key]) || options[key] < 0) usage(`bad --${key}`);
  }
  return options;
}

function readInput(file, dims) {
  const bytes = fs.readFileSync(file);
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== count * 4) {
    console.error(`ort_reference: ${file} has ${bytes.length} bytes, ` +
      `shape ${dims.join('x')} needs ${count * 4}`);
    process.exit(1);
  }
  // Copy into an aligned buffer; the file's Buffer may start at any offset of a shared pool.
  const data = new Float32Array(count);
  new Uint8Array(data.buffer).set(bytes);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    console.error('ort_reference: big-endian hosts are not supported');
    process.exit(1);
  }
  return data;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const [modelPath, inputPath] = options.positional;
  const ort = loadOrt();

  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const inputName = options.input ?? session.inputNames[0];
  if (!session.inputNames.includes(inputName)) {
    console.error(`ort_reference: ${modelPath} has no input '${inputName}' ` +
      `(inputs: ${session.inputNames.join(', ')})`);
    process.exit(1);
  }
  const input = readInput(inputPath, options.dims);
  const feeds = { [inputName]: new ort.Tensor('float32', input, options.dims) };

  const results = await session.run(feeds);

  if (options.outdir) {
    fs.mkdirSync(options.outdir, { recursive: true });
    const outputs = [];
    for (const name of session.outputNames) {
      const tensor = results[name];
      if (tensor.type !== 'float32') {
        console.error(`ort_reference: output ${name} is ${tensor.type}; only float32 is written`);
        process.exit(1);
      }
      const file = name.replace(/[^A-Za-z0-9._-]/g, '_') + '.bin';
      const data = tensor.data;
      fs.writeFileSync(path.join(options.outdir, file),
        Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      outputs.push({ name, dims: tensor.dims, file });
      console.log(`${name}: ${tensor.dims.join('x')} -> ${file}`);
    }
    const manifest = {
      model: path.basename(modelPath),
      input: { name: inputName, dims: options.dims },
      outputs,
      runtime: 'onnxruntime-node (cpu)',
      threads: options.threads,
    };
    fs.writeFileSync(path.join(options.outdir, 'outputs.json'),
      JSON.stringify(manifest, null, 2) + '\n');
    fs.writeFileSync(path.join(options.outdir, 'outputs.txt'),
      outputs.map((o) => `${o.name} ${o.dims.join('x')} ${o.file}\n`).join(''));
  }

  if (options.time > 0) {
    for (let i = 0; i < options.warmup; i++) await session.run(feeds);
    const times = [];
    for (let i = 0; i < options.time; i++) {
      const start = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    console.log(`median ${median(times).toFixed(3)} ms, min ${Math.min(...times).toFixed(3)} ms ` +
      `over ${options.time} runs (${options.threads} threads, ${options.warmup} warm-up)`);
  }
  await session.release();
}

main().catch((error) => {
  console.error(`ort_reference: ${error.message ?? error}`);
  process.exit(1);
});
