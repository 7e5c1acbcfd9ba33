// Real, decodable images without a dependency: a tiny RGB PNG encoder and a deterministic painter.
import { crc32, deflateSync } from 'node:zlib';
import { hashString } from './random';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes 8-bit RGB pixels (row-major, 3 bytes a pixel) as a PNG file. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function hsl(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/**
 * Paints one picture into `rgb` at (ox, oy): a gradient sky, a sun and a horizon whose colours and
 * positions come from `key`. Coordinates are normalised, so the same key at twice the size is the
 * "upscaled" version of the same picture.
 */
function paint(rgb: Uint8Array, stride: number, ox: number, oy: number, w: number, h: number, key: string): void {
  const k = hashString(key);
  const hue = k % 360;
  const top = hsl(hue, 0.55, 0.3);
  const bottom = hsl((hue + 40) % 360, 0.6, 0.65);
  const sun = hsl((hue + 180) % 360, 0.8, 0.6);
  const ground = hsl((hue + 120) % 360, 0.45, 0.35);
  const cx = 0.2 + ((k >>> 9) % 60) / 100;
  const cy = 0.2 + ((k >>> 15) % 30) / 100;
  const r = 0.1 + ((k >>> 20) % 12) / 100;
  const horizon = 0.6 + ((k >>> 25) % 25) / 100;
  const wave = 2 + ((k >>> 5) % 5);
  for (let y = 0; y < h; y++) {
    const v = (y + 0.5) / h;
    for (let x = 0; x < w; x++) {
      const u = (x + 0.5) / w;
      let c: [number, number, number];
      if (v > horizon + 0.04 * Math.sin(u * Math.PI * wave)) c = ground;
      else if ((u - cx) ** 2 + (v - cy) ** 2 < r * r) c = sun;
      else c = [0, 1, 2].map((i) => Math.round(top[i]! + (bottom[i]! - top[i]!) * v)) as [number, number, number];
      const p = (oy + y) * stride + (ox + x) * 3;
      rgb[p] = c[0];
      rgb[p + 1] = c[1];
      rgb[p + 2] = c[2];
    }
  }
}

/** Tile `index` (1–4) of the picture `key`, drawn at `w`×`h`. */
export function renderImage(key: string, index: number, w: number, h: number): Buffer {
  const rgb = new Uint8Array(w * h * 3);
  paint(rgb, w * 3, 0, 0, w, h, `${key}#${index}`);
  return encodePng(w, h, rgb);
}

/** The 2×2 grid of `key`: tiles 1–4 left to right, top to bottom, each `w`×`h`. */
export function renderGrid(key: string, w: number, h: number): Buffer {
  const rgb = new Uint8Array(w * 2 * h * 2 * 3);
  const stride = w * 2 * 3;
  for (let i = 0; i < 4; i++) paint(rgb, stride, (i % 2) * w, Math.floor(i / 2) * h, w, h, `${key}#${i + 1}`);
  return encodePng(w * 2, h * 2, rgb);
}
