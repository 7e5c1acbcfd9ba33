import type { Job } from '@mjgate/core';
import cliProgress from 'cli-progress';

/**
 * Shows a job's progress on stderr: a bar on a terminal, plain lines when piped, nothing with
 * --json/--quiet. Both show the job's id, so a job left running (Ctrl-C, a closed terminal) can be
 * found again with `mjgate wait <id>`.
 */
export interface ProgressView {
  update(job: Job): void;
  stop(): void;
}

export function progressView(mode: 'bar' | 'lines' | 'none', label: string): ProgressView {
  if (mode === 'none') return { update() {}, stop() {} };
  if (mode === 'lines') {
    let last = '';
    return {
      update(job) {
        const line = `${label} ${job.id}: ${job.status}${job.progress !== null ? ` ${job.progress}%` : ''}`;
        if (line !== last) process.stderr.write(`${line}\n`);
        last = line;
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} {id} [{bar}] {percentage}% | {status}`,
      stream: process.stderr,
      // The cursor comes back in stop(), which runs on every way out of a wait, Ctrl-C included.
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(job) {
      const value = job.progress ?? 0;
      if (!started) {
        bar.start(100, value, { id: job.id, status: job.status });
        started = true;
      } else bar.update(value, { id: job.id, status: job.status });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
