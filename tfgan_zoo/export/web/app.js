// The page: web.json -> the LiteRT.js runtime -> the generator (and a
// caption's text encoder) -> one control per generator input -> images.
// Plain DOM, no framework. `window.tfganZoo.generate(inputs)` runs the
// same path for scripts and tests and returns the pixels.
import {InputError, checkChannels, imageChannels, normalNoise, parseSeed, slerp,
        toModelInput, toRGBA, tokenize, words} from "./inputs.js";

const GRID = 16;           // images a sample draws
const BESIDE_IMAGE = 4;    // ... beside an uploaded image (models with noise too)
const FRAMES = 24;         // interpolation frames from one seed to the other
const SCALE_TO = 384;      // CSS pixels of an output's longest side
const TYPED = {float32: Float32Array, int32: Int32Array, uint8: Uint8Array};

const body = document.body;
const $ = (id) => document.getElementById(id);
const byKind = {};
const state = {image: null, embeddings: new Map()};
let core, spec, generator, encoder, busy = false, animation = 0;

// ------------------------------------------------------------- status
function firstLine(error) {
  const text = String((error && error.message) || error || "").split("\n")[0].trim();
  return text || (error && error.name) || "unknown error";
}

function show(status, line) {
  body.dataset.status = status;
  $("status").textContent = line;
  $("status").className = status;
}

function report(error) {
  show("error", error instanceof InputError ? error.message
    : `inference failed: ${firstLine(error)}`);
}

function timing(ms, count, what = "image") {
  const line = `${ms.toFixed(1)} ms per ${what} (${count} ${what}${count === 1 ? "" : "s"}, ` +
    `LiteRT.js ${spec.runtime.version} on the CPU, WebAssembly)`;
  $("timing").textContent = line;
  window.tfganZoo.timing = {ms_per_image: ms, images: count};
}

// -------------------------------------------------------------- loading
async function fetchOk(url, what) {
  let response;
  try {
    response = await fetch(url, {cache: "no-cache"});
  } catch (e) {
    throw new InputError(`${what} (${url}) could not be fetched: ${firstLine(e)}`);
  }
  if (!response.ok) {
    throw new InputError(`${what} (${url}) is missing (HTTP ${response.status}): re-export ` +
                         "the page with python -m tfgan_zoo.export RUN --to ROOT --format web");
  }
  return response;
}

async function loadRuntime() {
  const url = spec.runtime.imports["@litertjs/core"];
  try {
    core = await import("@litertjs/core");
    await core.loadLiteRt(spec.runtime.wasm);
  } catch (e) {
    const offline = spec.runtime.source === "published"
      ? "; offline? export with --web-runtime node_modules/@litertjs/core" : "";
    throw new InputError(`the LiteRT.js runtime (${url}) did not load: ${firstLine(e)}${offline}`);
  }
}

async function loadModel(file, what) {
  const bytes = new Uint8Array(await (await fetchOk(file, what)).arrayBuffer());
  try {
    return await core.loadAndCompile(bytes, {accelerator: "wasm"});
  } catch (e) {
    throw new InputError(`${what} (${file}) is not a model LiteRT.js can run: ${firstLine(e)}`);
  }
}

// ------------------------------------------------------------ inference
const size = (entry) => entry.shape.reduce((a, b) => a * b, 1);

async function run(model, feed) {
  const tensors = {};
  try {
    for (const detail of model.getInputDetails()) {
      const count = detail.shape.reduce((a, b) => a * b, 1), values = feed[detail.name];
      if (!values || values.length !== count) {
        throw new InputError(`input ${detail.name} needs ${count} values, got ` +
                             `${values ? values.length : "none"}`);
      }
      tensors[detail.name] = new core.Tensor(TYPED[detail.dtype].from(values),
                                             Array.from(detail.shape));
    }
    const outputs = await model.run(tensors);
    const result = {};
    for (const [name, tensor] of Object.entries(outputs)) {
      result[name] = tensor.toTypedArray().slice();
      tensor.delete();
    }
    return result;
  } finally {
    for (const tensor of Object.values(tensors)) tensor.delete();
  }
}

async function embed(ids, entry) {
  const key = ids.join(",");
  if (!state.embeddings.has(key)) {
    const out = await run(encoder, {[entry.encoder.input]: ids});
    state.embeddings.set(key, out[entry.encoder.output]);
  }
  return state.embeddings.get(key);
}

function checkLabel(value, entry) {
  const label = Number(value);
  if (!Number.isInteger(label) || label < 0 || label >= entry.num_classes) {
    throw new InputError(`class "${value}" is not one of 0 to ${entry.num_classes - 1}`);
  }
  return label;
}

// The generator's inputs for one image: values given by input name (a
// caption as `text` or its `tokens`, noise as `z` or a `seed`), else what
// the page's controls hold.
async function feedFor(values) {
  const feed = {}, extra = {};
  for (const entry of spec.inputs) {
    const given = values[entry.name];
    if (entry.kind === "noise") {
      feed[entry.name] = Float32Array.from(given ?? normalNoise(values.seed ?? 0, size(entry)));
    } else if (entry.kind === "label") {
      feed[entry.name] = Int32Array.of(checkLabel(given ?? $("label").value, entry));
    } else if (entry.kind === "image") {
      if (!given && !state.image) throw new InputError("upload an image first");
      feed[entry.name] = Float32Array.from(given ?? state.image.pixels);
    } else if (entry.kind === "text" && given) {
      feed[entry.name] = Float32Array.from(given);
    } else if (entry.kind === "text") {
      const ids = values.tokens ? Int32Array.from(values.tokens)
        : tokenize(values.text ?? $("caption").value, entry.tokenizer).ids;
      feed[entry.name] = await embed(ids, entry);
      extra.tokens = ids;
    } else {
      feed[entry.name] = Float32Array.from(given ?? entry.example.flat(Infinity));
    }
  }
  return {feed, extra};
}

async function generateOne(values) {
  const {feed, extra} = await feedFor(values);
  return {feed, extra, outputs: await run(generator, feed)};
}

const plain = (record) => Object.fromEntries(
  Object.entries(record).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v) : v]));

// window.tfganZoo.generate({z: [...], label: 3, image: [...], text: "..."})
// -> {images_float, images (flat, NHWC), shape, inputs (what was fed), ms}.
async function generate(values = {}) {
  const start = performance.now();
  const {feed, extra, outputs} = await generateOne(values);
  return {images_float: Array.from(outputs.images_float), images: Array.from(outputs.images),
          shape: [1, ...spec.image_shape], inputs: plain({...feed, ...extra}),
          ms: performance.now() - start};
}

// -------------------------------------------------------------- drawing
function drawGrid(canvas, images, columns, shape = spec.image_shape) {
  const [h, w, c] = shape, pad = images.length > 1 ? 2 : 0;
  const rows = Math.ceil(images.length / columns);
  canvas.width = columns * (w + pad) + pad;
  canvas.height = rows * (h + pad) + pad;
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  images.forEach((pixels, i) => context.putImageData(
    new ImageData(toRGBA(pixels, c), w, h),
    pad + (i % columns) * (w + pad), pad + Math.floor(i / columns) * (h + pad)));
  const zoom = Math.max(1, Math.floor(SCALE_TO / Math.max(canvas.width, canvas.height)));
  canvas.style.width = `${canvas.width * zoom}px`;
}

function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

// -------------------------------------------------------------- actions
function count() {
  if (!byKind.noise) return 1;
  return byKind.image ? BESIDE_IMAGE : GRID;
}

function readSeed() {
  return byKind.noise ? parseSeed($("seed").value) : 0;
}

function showWords(entry) {
  const list = $("words");
  list.replaceChildren();
  const index = new Set(entry.tokenizer.vocabulary.slice(2));
  for (const word of words($("caption").value, entry.tokenizer)) {
    const item = document.createElement("span");
    item.textContent = word;
    item.className = index.has(word) ? "known" : "unknown";
    if (!index.has(word)) item.title = "not in the vocabulary: read as [UNK]";
    list.append(item, " ");
  }
  const unknown = [...list.querySelectorAll(".unknown")].map((s) => s.textContent);
  $("unknown").textContent = unknown.length
    ? `Not in the vocabulary (read as unknown): ${unknown.join(", ")}` : "";
}

async function sample() {
  animation += 1;
  const seed = readSeed(), n = count(), noise = byKind.noise;
  if (byKind.text) {
    showWords(byKind.text);
    tokenize($("caption").value, byKind.text.tokenizer);  // says what is wrong first
  }
  const draws = noise ? normalNoise(seed, n * size(noise)) : null;
  const batch = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const values = noise ? {[noise.name]: draws.subarray(i * size(noise), (i + 1) * size(noise))} : {};
    batch.push(await generateOne(values));
  }
  const ms = (performance.now() - start) / n;
  drawGrid($("grid"), batch.map((b) => b.outputs.images), Math.min(n, 4));
  window.tfganZoo.last = {inputs: batch.map((b) => plain({...b.feed, ...b.extra})),
                          images_float: batch.map((b) => Array.from(b.outputs.images_float)),
                          ms_per_image: ms};
  timing(ms, n);
}

async function interpolate() {
  const noise = byKind.noise, token = ++animation;
  const from = readSeed(), to = parseSeed($("seed2").value, "second seed");
  const a = normalNoise(from, size(noise)), b = normalNoise(to, size(noise));
  const there = Array.from({length: FRAMES}, (_, f) => slerp(a, b, f / (FRAMES - 1)));
  const path = [...there, ...there.slice(0, -1).reverse()];
  $("interp-figure").hidden = false;
  let total = 0;
  for (let i = 0; i < path.length && token === animation; i++) {
    const start = performance.now();
    const {outputs} = await generateOne({[noise.name]: path[i]});
    total += performance.now() - start;
    drawGrid($("interp"), [outputs.images], 1);
    $("interp-caption").textContent = `seed ${from} → seed ${to} and back: ` +
      `frame ${i + 1} of ${path.length}`;
    await nextFrame();
  }
  timing(total / path.length, path.length, "frame");
}

function rgbaOf(bitmap, width, height) {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d", {willReadFrequently: true});
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = "high";
  context.drawImage(bitmap, 0, 0, width, height);
  return context.getImageData(0, 0, width, height).data;
}

// An uploaded (or dropped) file -> the model's input, resized to it.
async function loadImage(file) {
  const [h, w, c] = byKind.image.shape;
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes], {type: file.type}), {
      colorSpaceConversion: "none", premultiplyAlpha: "none"});
  } catch (e) {
    throw new InputError(`${file.name} is not an image this browser can read: upload a ` +
                         "PNG, JPEG, GIF, WebP or BMP file");
  }
  checkChannels(imageChannels(bytes, rgbaOf(bitmap, bitmap.width, bitmap.height)), c, file.name);
  const rgba = rgbaOf(bitmap, w, h);
  state.image = {name: file.name, pixels: toModelInput(rgba, c)};
  drawGrid($("input"), [Uint8Array.from(state.image.pixels, (x) => Math.round((x + 1) * 127.5))],
           1, byKind.image.shape);
  $("input-caption").textContent = `${file.name}, ${bitmap.width}×${bitmap.height}, ` +
    `resized to ${w}×${h}`;
}

async function act(action, doing = "Generating…") {
  if (busy) return;
  busy = true;
  for (const button of document.querySelectorAll("button, select, input")) button.disabled = true;
  show("busy", doing);
  try {
    await action();
    show("ready", "Ready.");
  } catch (e) {
    report(e);
  } finally {
    busy = false;
    for (const button of document.querySelectorAll("button, select, input")) button.disabled = false;
  }
}

// ------------------------------------------------------------ controls
function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

function control(entry) {
  if (entry.kind === "noise") {
    return element("div", {class: "control"},
      element("label", {}, "Seed ", element("input", {id: "seed", value: "0", size: 10,
                                                      inputmode: "numeric"})),
      element("label", {}, " to seed ", element("input", {id: "seed2", value: "1", size: 10,
                                                          inputmode: "numeric"})),
      " ", element("button", {id: "interpolate", type: "button",
                              onclick: () => act(interpolate, "Interpolating…")},
              "Interpolate"));
  }
  if (entry.kind === "label") {
    const picker = element("select", {id: "label", onchange: () => act(sample)});
    for (let k = 0; k < entry.num_classes; k++) picker.append(element("option", {value: k}, `class ${k}`));
    return element("div", {class: "control"}, element("label", {}, "Class ", picker));
  }
  if (entry.kind === "image") {
    const [h, w, c] = entry.shape;
    const upload = async (file) => act(async () => { await loadImage(file); await sample(); });
    const zone = element("label", {id: "drop", class: "control drop"},
      `Drop an image here or choose one (${c === 1 ? "grayscale" : "RGB"}; resized to ${w}×${h}): `,
      element("input", {id: "image", type: "file", accept: "image/*",
                        onchange: (e) => e.target.files[0] && upload(e.target.files[0])}));
    zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      zone.classList.remove("over");
      if (e.dataTransfer.files[0]) upload(e.dataTransfer.files[0]);
    });
    return zone;
  }
  if (entry.kind === "text") {
    const caption = element("input", {id: "caption", type: "text", size: 60, value: entry.example,
                                      oninput: () => showWords(entry)});
    return element("div", {class: "control"},
      element("label", {}, "Caption ", caption),
      element("p", {id: "words", class: "words"}), element("p", {id: "unknown", class: "unknown"}),
      element("p", {class: "note"}, `At most ${entry.tokenizer.max_length} words, ` +
              `${entry.tokenizer.vocabulary.length - 2} known.`));
  }
  return element("p", {class: "note"},
    `${entry.name} [${entry.shape.join("×")}]: fixed at the model's example value.`);
}

function buildPage() {
  const kib = (spec.generator.bytes / 1024).toFixed(0);
  $("about").textContent = `${spec.model}, ${spec.generator.variant} LiteRT model (${kib} KiB; ` +
    `${spec.generator.why}). Inputs: ${spec.inputs.map((e) => `${e.name} (${e.kind})`).join(", ")}.`;
  const form = $("controls");
  for (const entry of spec.inputs) {
    byKind[entry.kind] ??= entry;
    form.append(control(entry));
  }
  form.append(element("button", {id: "sample", type: "submit"}, "Sample"));
  form.addEventListener("submit", (e) => { e.preventDefault(); act(sample); });
  form.hidden = false;
  $("input-figure").hidden = !byKind.image;
  if (byKind.text) showWords(byKind.text);
}

async function main() {
  if (location.protocol === "file:") {
    throw new InputError("open this page through a web server, e.g. python -m http.server " +
                         "-d THIS_FOLDER, then http://127.0.0.1:8000/");
  }
  show("loading", "Loading web.json…");
  spec = await (await fetchOk("web.json", "the page description")).json();
  window.tfganZoo.spec = spec;
  show("loading", `Loading the LiteRT.js runtime ${spec.runtime.version} ` +
                  `(${spec.runtime.source})…`);
  await loadRuntime();
  show("loading", `Loading the generator (${(spec.generator.bytes / 1024).toFixed(0)} KiB)…`);
  generator = await loadModel(spec.generator.file, "the generator");
  const text = spec.inputs.find((e) => e.kind === "text");
  if (text) encoder = await loadModel(text.encoder.file, "the text encoder");
  buildPage();
  if (byKind.image) {
    const example = await (await fetchOk(byKind.image.example, "the example image")).blob();
    await loadImage(new File([example], byKind.image.example, {type: example.type}));
  }
  show("loading", "Drawing the first images…");
  await sample();
  show("ready", "Ready.");
}

window.tfganZoo = {generate, spec: null, last: null, timing: null};
window.addEventListener("unhandledrejection", (e) => report(e.reason));
window.tfganZoo.loaded = main().catch(report);
