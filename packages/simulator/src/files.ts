// Result files under `/_sim/files/<jobId>/<name>`, rendered on demand and cached: the simulator is its own CDN.
import type { SimJob } from './jobs';
import { renderMp4 } from './mp4';
import { renderGrid, renderImage } from './png';

const CACHE_SIZE = 64;
const cache = new Map<string, Buffer>();

function cached(key: string, make: () => Buffer): Buffer {
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const made = make();
  cache.set(key, made);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return made;
}

/** The bytes and content type of a job's file, or undefined when the job has no such file. */
export function jobFile(job: SimJob, name: string): { type: string; data: Buffer } | undefined {
  const { w, h } = job.tile;
  if (job.shape === 'grid') {
    if (name === 'grid.png') return png(cached(`${job.imageKey}|grid|${w}x${h}`, () => renderGrid(job.imageKey, w, h)));
    const tile = name.match(/^([1-4])\.png$/)?.[1];
    if (tile) {
      return png(cached(`${job.imageKey}|${tile}|${w}x${h}`, () => renderImage(job.imageKey, Number(tile), w, h)));
    }
  }
  if (job.shape === 'single' && name === 'image.png') {
    const scale = typeof job.data.scale === 'number' ? job.data.scale : 2;
    const index = job.index || 1;
    return png(
      cached(`${job.imageKey}|${index}|${w * scale}x${h * scale}`, () =>
        renderImage(job.imageKey, index, w * scale, h * scale),
      ),
    );
  }
  if (job.shape === 'video') {
    if (name === 'cover.png')
      return png(cached(`${job.imageKey}|cover`, () => renderImage(job.imageKey, 1, w * 2, h * 2)));
    const n = name.match(/^video-([0-3])\.mp4$/)?.[1];
    if (n) return { type: 'video/mp4', data: renderMp4(`${job.id}#${n}`) };
  }
  return undefined;
}

function png(data: Buffer) {
  return { type: 'image/png', data };
}
