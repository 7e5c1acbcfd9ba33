import type { Job } from '@mjgate/core';
import cliProgress from 'cli-progress';

/** Shows a job's progress on stderr: a bar on a terminal, plain lines when piped, nothing with --json/--quiet. */
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
      format: `${label} [{bar}] {percentage}% | {status}`,
      stream: process.stderr,
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
        bar.start(100, value, { status: job.status });
        started = true;
      } else bar.update(value, { status: job.status });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
