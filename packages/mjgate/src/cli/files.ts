import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Job, ProviderError } from '@mjgate/core';

/** Longest one result download may take, ms. */
const DOWNLOAD_TIMEOUT_MS = 120_000;

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
};

function extension(url: string, contentType: string | null): string {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  // An own-property lookup: a Content-Type of `constructor` is no file type.
  if (type && Object.hasOwn(EXTENSIONS, type)) return EXTENSIONS[type]!;
  const match = /\.([a-z0-9]{3,4})(?:$|\?)/i.exec(new URL(url).pathname);
  return match?.[1]?.toLowerCase() ?? 'bin';
}

/** File-name-safe form of a job id. */
function stem(job: Job): string {
  return `${job.provider}-${job.providerJobId}`.replace(/[^a-zA-Z0-9._-]+/g, '_');
}

/**
 * Downloads a job's results into `folder`: `<provider>-<id>-grid.png` for the composite,
 * `<provider>-<id>-<n>.png` for each image, `<provider>-<id>-video-<n>.mp4` for videos. No
 * credentials are sent: result URLs are public CDN links.
 */
export async function saveResults(job: Job, folder: string, signal?: AbortSignal): Promise<string[]> {
  const target = resolve(folder);
  await mkdir(target, { recursive: true });
  const targets: [string, string][] = [];
  if (job.gridUrl) targets.push([job.gridUrl, `${stem(job)}-grid`]);
  job.images.forEach((image, index) => {
    targets.push([image.url, job.images.length === 1 ? stem(job) : `${stem(job)}-${index + 1}`]);
  });
  job.videoUrls.forEach((url, index) => {
    targets.push([url, `${stem(job)}-video-${index + 1}`]);
  });
  const written: string[] = [];
  for (const [url, name] of targets) {
    // A stalled CDN must not hang the command: each download gets its own limit.
    const limit = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
    const response = await fetch(url, { signal: signal ? AbortSignal.any([signal, limit]) : limit }).catch(
      (cause: unknown) => {
        if (signal?.aborted) throw signal.reason;
        throw new ProviderError(
          `Could not download ${url} (${(cause as Error).message}). Check the network and retry.`,
          {
            provider: job.provider,
            cause,
            retryable: true,
          },
        );
      },
    );
    if (!response.ok) {
      // The job succeeded: only its files are out of reach (an expired CDN link, a vendor outage).
      throw new ProviderError(
        `Could not download ${url}: HTTP ${response.status}. The job succeeded; its result links may have expired — run \`mjgate status ${job.id} --out DIR\` to fetch fresh ones.`,
        { provider: job.provider, status: response.status, retryable: response.status >= 500 },
      );
    }
    const file = join(target, `${name}.${extension(url, response.headers.get('content-type'))}`);
    await writeFile(file, new Uint8Array(await response.arrayBuffer()));
    written.push(file);
  }
  return written;
}
