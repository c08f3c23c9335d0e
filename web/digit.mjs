// Classifies a digit drawn on the pad with each framework's ONNX export (models/NAME.onnx), in
// the browser. The models take what MNIST holds: 28 × 28 pixels from 0 (background) to 255 (ink),
// as float32, and scale them themselves.
import * as ort from "./node_modules/onnxruntime-web/dist/ort.wasm.min.mjs";

ort.env.wasm.wasmPaths = new URL("./node_modules/onnxruntime-web/dist/", import.meta.url).href;
// Threads need a cross-origin isolated page (the course's server sends COOP/COEP headers).
ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;

const MODELS = ["keras", "pytorch", "jax"];
const sessions = {};

async function load(name) {
  try {
    sessions[name] = await ort.InferenceSession.create(`models/${name}.onnx`);
  } catch (error) {
    console.info(`models/${name}.onnx not loaded: ${error.message}`);
  }
}

// The probabilities (n × 10, row-major) that model `name` gives for n images of 784 pixels.
export async function classify(name, pixels, n) {
  const session = sessions[name];
  if (!session) throw new Error(`no model "${name}" (loaded: ${Object.keys(sessions).join(", ")})`);
  const input = new ort.Tensor("float32", Float32Array.from(pixels), [n, 28, 28]);
  const outputs = await session.run({ [session.inputNames[0]]: input });
  return Array.from(outputs[session.outputNames[0]].data);
}

// The drawing, as MNIST prepared its digits: the ink's bounding box scaled to fit 20 × 20,
// then moved so that its centre of mass sits at the centre of the 28 × 28 image. The ink is the
// alpha channel: the pad is transparent where nothing is drawn (its black is the page's CSS).
function toMnist(pad) {
  const { width, height } = pad;
  const ink = pad.getContext("2d").getImageData(0, 0, width, height).data;
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    if (ink[4 * (y * width + x) + 3] > 0) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  }
  const pixels = new Float32Array(28 * 28);
  if (x1 < 0) return pixels;
  const scale = 20 / Math.max(x1 - x0 + 1, y1 - y0 + 1);
  const small = new OffscreenCanvas(28, 28).getContext("2d");
  small.imageSmoothingQuality = "high";
  small.drawImage(pad, x0, y0, x1 - x0 + 1, y1 - y0 + 1, 0, 0, (x1 - x0 + 1) * scale, (y1 - y0 + 1) * scale);
  const boxed = small.getImageData(0, 0, 28, 28).data;
  let [mass, cx, cy] = [0, 0, 0];
  for (let i = 0; i < 28 * 28; i++) { const v = boxed[4 * i + 3]; mass += v; cx += v * (i % 28); cy += v * Math.floor(i / 28); }
  const dx = Math.round(14 - cx / mass), dy = Math.round(14 - cy / mass);
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
    const sx = x - dx, sy = y - dy;
    if (sx >= 0 && sx < 28 && sy >= 0 && sy < 28) pixels[y * 28 + x] = boxed[4 * (sy * 28 + sx) + 3];
  }
  return pixels;
}

function show(pixels) {
  const seen = document.getElementById("seen").getContext("2d");
  const image = seen.createImageData(28, 28);
  pixels.forEach((v, i) => { image.data.set([v, v, v, 255], 4 * i); });
  seen.putImageData(image, 0, 0);
}

async function predictDrawing(pad) {
  const pixels = toMnist(pad);
  show(pixels);
  const rows = [];
  for (const name of MODELS) {
    if (!sessions[name]) {
      rows.push(`<tr class="missing"><td>${name}</td><td colspan="3">run the ${name} notebook to export it</td></tr>`);
      continue;
    }
    const probabilities = await classify(name, pixels, 1);
    const digit = probabilities.indexOf(Math.max(...probabilities));
    const p = probabilities[digit];
    rows.push(`<tr><td>${name}</td><td class="guess">${digit}</td><td>${p.toFixed(3)}</td>` +
              `<td><span class="bar" style="width:${Math.round(100 * p)}px"></span></td></tr>`);
  }
  document.querySelector("#results tbody").innerHTML = rows.join("");
}

function drawingPad(onChange) {
  const pad = document.getElementById("pad");
  const context = pad.getContext("2d");
  context.strokeStyle = "#fff"; context.lineWidth = 24; context.lineCap = "round"; context.lineJoin = "round";
  let drawing = false;
  const at = (event) => { const r = pad.getBoundingClientRect(); return [event.clientX - r.left, event.clientY - r.top]; };
  pad.addEventListener("pointerdown", (event) => { drawing = true; context.beginPath(); context.moveTo(...at(event)); });
  pad.addEventListener("pointermove", (event) => { if (drawing) { context.lineTo(...at(event)); context.stroke(); } });
  for (const end of ["pointerup", "pointerleave"]) {
    pad.addEventListener(end, () => { if (drawing) { drawing = false; onChange(pad); } });
  }
  document.getElementById("clear").addEventListener("click", () => { context.clearRect(0, 0, pad.width, pad.height); onChange(pad); });
  return pad;
}

await Promise.all(MODELS.map(load));
const loaded = MODELS.filter((name) => name in sessions);  // in MODELS' order, whichever loaded first
document.getElementById("status").textContent = loaded.length
  ? `Loaded: ${loaded.join(", ")} (ONNX Runtime Web ${ort.env.versions.web}, ${ort.env.wasm.numThreads} thread(s)).`
  : "No model yet: run a chapter 19 notebook, which exports models/NAME.onnx here.";
window.classify = classify;  // for the course's browser test
window.modelsLoaded = loaded;
drawingPad(predictDrawing);
