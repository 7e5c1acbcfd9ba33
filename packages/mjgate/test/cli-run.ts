import { vi } from 'vitest';
import { main } from '../src/cli/main.js';

/** What a CLI run has printed so far; read it mid-run to wait for a line. */
export interface CliOutput {
  stdout: string;
  stderr: string;
}

/** A finished CLI run: its exit code and everything it printed. */
export interface CliRun extends CliOutput {
  code: number;
}

/** Collects process.stdout/stderr writes (nothing reaches the terminal) until `restore()`. */
export function captureOutput(): CliOutput & { restore: () => void } {
  const output = { stdout: '', stderr: '', restore: () => {} };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    output.stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    output.stderr += String(chunk);
    return true;
  });
  output.restore = () => {
    out.mockRestore();
    err.mockRestore();
  };
  return output;
}

/**
 * Runs the CLI in-process (src/cli/main.ts, not the built bin) with `args`. `during` runs while the
 * command does (wait for a line in `output`, then move a paused simulator's clock). `script` is argv[1]:
 * the program names itself `mjgate` whatever it is.
 */
export async function runCli(
  args: string[],
  options: { script?: string; during?: (output: CliOutput) => Promise<void> } = {},
): Promise<CliRun> {
  const output = captureOutput();
  try {
    const code = main(['node', options.script ?? 'mjgate', ...args]);
    await options.during?.(output);
    return { code: await code, stdout: output.stdout, stderr: output.stderr };
  } finally {
    output.restore();
  }
}
