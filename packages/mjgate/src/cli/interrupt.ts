/**
 * Ctrl-C (SIGINT) while a command waits: instead of dying mid-line (a hidden cursor, a job id never
 * shown), the wait is aborted so the progress display can restore the terminal and the command can
 * say how to resume. A second Ctrl-C, with this handler gone, ends the process at once.
 */
export interface InterruptWatch {
  /** Aborted on the first SIGINT. */
  readonly signal: AbortSignal;
  /** Stops listening (the wait ended on its own). */
  dispose(): void;
}

export function watchInterrupt(): InterruptWatch {
  const controller = new AbortController();
  const onSignal = () => controller.abort(new DOMException('Interrupted by SIGINT.', 'AbortError'));
  process.once('SIGINT', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.removeListener('SIGINT', onSignal);
    },
  };
}
