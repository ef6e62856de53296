// A small PNG decoder for checking screenshots: 8-bit greyscale, RGB, grey+alpha and RGBA,
// non-interlaced (what Chromium writes), into RGBA pixels.
import { inflateSync } from "node:zlib";

export interface Png {
  width: number;
  height: number;
  /** RGBA, row-major, 4 bytes a pixel. */
  rgba: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length > 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function decodePng(bytes: Uint8Array): Png {
  if (!isPng(bytes)) throw new Error("not a PNG (bad signature)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (off + 8 <= bytes.length) {
    const length = view.getUint32(off);
    const type = String.fromCharCode(...bytes.subarray(off + 4, off + 8));
    const data = bytes.subarray(off + 8, off + 8 + length);
    off += 12 + length;
    if (type === "IHDR") {
      width = view.getUint32(data.byteOffset - bytes.byteOffset);
      height = view.getUint32(data.byteOffset - bytes.byteOffset + 4);
      const bitDepth = data[8];
      colorType = data[9];
      const interlace = data[12];
      if (bitDepth !== 8) throw new Error(`PNG bit depth ${bitDepth} not supported`);
      if (!(colorType in CHANNELS)) throw new Error(`PNG colour type ${colorType} not supported`);
      if (interlace !== 0) throw new Error("interlaced PNG not supported");
    } else if (type === "IDAT") {
      idat.push(data);
    } else if (type === "IEND") {
      ended = true;
      break;
    }
  }
  if (width === 0 || height === 0) throw new Error("PNG without IHDR");
  if (!ended) throw new Error("PNG truncated (no IEND)");
  const channels = CHANNELS[colorType];
  const stride = width * channels;
  const raw = new Uint8Array(inflateSync(Buffer.concat(idat)));
  if (raw.length < height * (stride + 1)) throw new Error(`PNG data short: ${raw.length} bytes for ${width}x${height}`);
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[row + x - channels] : 0;
      const b = y > 0 ? pixels[row - stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[row - stride + x - channels] : 0;
      let v = src[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) v += paeth(a, b, c);
      else if (filter !== 0) throw new Error(`PNG filter ${filter} unknown`);
      pixels[row + x] = v & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += channels) {
    const o = i * 4;
    if (channels === 1 || channels === 2) {
      rgba[o] = rgba[o + 1] = rgba[o + 2] = pixels[j];
      rgba[o + 3] = channels === 2 ? pixels[j + 1] : 255;
    } else {
      rgba[o] = pixels[j];
      rgba[o + 1] = pixels[j + 1];
      rgba[o + 2] = pixels[j + 2];
      rgba[o + 3] = channels === 4 ? pixels[j + 3] : 255;
    }
  }
  return { width, height, rgba };
}

/** Pixel statistics of a rectangle (clipped to the image). */
export function regionStats(png: Png, x: number, y: number, w: number, h: number): { pixels: number; nonWhite: number; coloured: number } {
  const x0 = Math.max(0, Math.floor(x));
  const y0 = Math.max(0, Math.floor(y));
  const x1 = Math.min(png.width, Math.ceil(x + w));
  const y1 = Math.min(png.height, Math.ceil(y + h));
  let pixels = 0;
  let nonWhite = 0;
  let coloured = 0;
  for (let yy = y0; yy < y1; yy++) {
    for (let xx = x0; xx < x1; xx++) {
      const o = (yy * png.width + xx) * 4;
      const r = png.rgba[o];
      const g = png.rgba[o + 1];
      const b = png.rgba[o + 2];
      pixels++;
      if (r < 245 || g < 245 || b < 245) nonWhite++;
      if (Math.max(r, g, b) - Math.min(r, g, b) >= 60) coloured++;
    }
  }
  return { pixels, nonWhite, coloured };
}
