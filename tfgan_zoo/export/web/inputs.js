// What the page makes of a person's input, as pure functions (no DOM, no
// runtime), so that node can test them: seeds and noise, captions as word
// ids, uploaded images as the model's input. Each bad input throws an
// InputError whose message is the one line the page shows.

export class InputError extends Error {}

// ------------------------------------------------------------ seeds, noise
const MAX_SEED = 4294967295;

export function parseSeed(text, what = "seed") {
  const value = String(text ?? "").trim();
  if (!/^\d{1,10}$/.test(value) || Number(value) > MAX_SEED) {
    throw new InputError(`${what} "${text}" is not a whole number from 0 to ${MAX_SEED}: ` +
                         "type one, e.g. 42");
  }
  return Number(value);
}

// mulberry32: a small, fast 32-bit generator; uniform in [0, 1).
function uniform(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// `count` draws of N(0, 1) from `seed` (Box-Muller). These are the page's
// own draws: the SavedModel's `sample` signature draws other numbers for
// the same seed.
export function normalNoise(seed, count) {
  const next = uniform(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    let u = next();
    while (u === 0) u = next();
    const radius = Math.sqrt(-2 * Math.log(u)), angle = 2 * Math.PI * next();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

// Spherical interpolation, as tfgan_zoo.latent.slerp: along the great
// circle from a to b, or the straight line where they are (anti)parallel.
export function slerp(a, b, t) {
  const norm = (v) => Math.max(Math.hypot(...v), 1e-12);
  const na = norm(a), nb = norm(b);
  let cos = 0;
  for (let i = 0; i < a.length; i++) cos += (a[i] / na) * (b[i] / nb);
  const omega = Math.acos(Math.min(1, Math.max(-1, cos))), sin = Math.sin(omega);
  const [wa, wb] = sin < 1e-6 ? [1 - t, t]
    : [Math.sin((1 - t) * omega) / sin, Math.sin(t * omega) / sin];
  return Float32Array.from(a, (x, i) => wa * x + wb * b[i]);
}

// ------------------------------------------------------------------ text
const vocabularies = new WeakMap();

function vocabularyIndex(tokenizer) {
  if (!vocabularies.has(tokenizer)) {
    const index = new Map();
    tokenizer.vocabulary.forEach((word, id) => {
      if (id !== tokenizer.pad && id !== tokenizer.unknown) index.set(word, id);
    });
    vocabularies.set(tokenizer, index);
  }
  return vocabularies.get(tokenizer);
}

// The words of a caption as keras.layers.TextVectorization reads them with
// standardize="lower_and_strip_punctuation" and split="whitespace": ASCII
// letters lower-cased, punctuation removed, split on ASCII whitespace.
export function words(caption, tokenizer) {
  return String(caption)
    .replace(/[A-Z]+/g, (s) => s.toLowerCase())
    .replace(new RegExp(tokenizer.strip, "g"), "")
    .split(/[ \t\n\v\f\r]+/)
    .filter((w) => w.length > 0);
}

// Word ids Int32Array[max_length] of a caption (0 pads, unknown words are
// `unknown`), and each word with its id. An empty caption, one longer
// than the model reads, or one with no known word is an InputError.
export function tokenize(caption, tokenizer) {
  const found = words(caption, tokenizer);
  if (found.length === 0) {
    throw new InputError("the caption is empty: describe the image in words");
  }
  if (found.length > tokenizer.max_length) {
    throw new InputError(`the caption has ${found.length} words; this model reads at most ` +
                         `${tokenizer.max_length}: shorten it`);
  }
  const index = vocabularyIndex(tokenizer);
  const ids = new Int32Array(tokenizer.max_length).fill(tokenizer.pad);
  const tokens = found.map((word, i) => {
    ids[i] = index.get(word) ?? tokenizer.unknown;
    return {word, id: ids[i], known: ids[i] !== tokenizer.unknown};
  });
  if (!tokens.some((t) => t.known)) {
    throw new InputError(`no word of "${String(caption).trim()}" is in the model's ` +
                         `vocabulary: use words such as ${[...index.keys()].slice(0, 6).join(", ")}`);
  }
  return {ids, tokens, unknown: tokens.filter((t) => !t.known).map((t) => t.word)};
}

// ---------------------------------------------------------------- images
const COLOURS = {1: "grayscale", 2: "grayscale with transparency", 3: "RGB",
                 4: "RGB with transparency, or CMYK"};

// {colour: 1 or 3 (4 for CMYK), alpha: whether the format stores
// transparency} as a PNG or JPEG file declares it, else null.
export function declaredChannels(bytes) {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length > 25 && png.every((b, i) => bytes[i] === b)) {
    return {0: {colour: 1, alpha: false}, 2: {colour: 3, alpha: false},
            3: {colour: 3, alpha: true}, 4: {colour: 1, alpha: true},
            6: {colour: 3, alpha: true}}[bytes[25]] ?? null;
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {  // JPEG: the frame header's Nf
    let i = 2;
    while (i + 9 < bytes.length) {
      if (bytes[i] !== 0xff || bytes[i + 1] === 0xff) { i += 1; continue; }
      const marker = bytes[i + 1];
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
        return {colour: bytes[i + 9], alpha: false};
      }
      if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)) { i += 2; continue; }
      i += 2 + ((bytes[i + 2] << 8) | bytes[i + 3]);
    }
  }
  return null;
}

// The channel count of an uploaded image: as its file declares it (else
// grayscale when every pixel has R = G = B), plus one for transparency
// that some pixel really uses. `rgba` is the decoded image's RGBA bytes.
export function imageChannels(bytes, rgba) {
  const declared = declaredChannels(bytes);
  let gray = true, transparent = false;
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) gray = false;
    if (rgba[i + 3] !== 255) transparent = true;
  }
  const colour = declared ? declared.colour : (gray ? 1 : 3);
  return colour + ((declared ? declared.alpha : true) && transparent ? 1 : 0);
}

export function checkChannels(channels, wanted, name) {
  if (channels !== wanted) {
    throw new InputError(`${name} has ${channels} channel${channels === 1 ? "" : "s"} ` +
                         `(${COLOURS[channels] ?? "unknown"}); this model takes ${wanted} ` +
                         `(${COLOURS[wanted]}): upload a ${COLOURS[wanted]} image`);
  }
}

// RGBA bytes [H*W*4] -> the model's input [H*W*C] in [-1, 1], x / 127.5 - 1
// (C = 1 reads the red channel of a grayscale image, where R = G = B).
export function toModelInput(rgba, channels) {
  const pixels = rgba.length / 4;
  const out = new Float32Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < channels; c++) out[p * channels + c] = rgba[p * 4 + c] / 127.5 - 1;
  }
  return out;
}

// uint8 [H*W*C] (C = 1 or 3) -> RGBA bytes for an ImageData.
export function toRGBA(pixels, channels) {
  const count = pixels.length / channels;
  const rgba = new Uint8ClampedArray(count * 4);
  for (let p = 0; p < count; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = pixels[p * channels + (channels === 1 ? 0 : c)];
    rgba[p * 4 + 3] = 255;
  }
  return rgba;
}
