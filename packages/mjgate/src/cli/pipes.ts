import { EXIT } from './errors.js';

/**
 * Output to a pipe whose reader has gone (`mjgate --help | head -1`) ends the command quietly and
 * successfully, as with any Unix filter: the reader took what it wanted. Without this, the write's
 * EPIPE surfaces as an uncaught error with a stack trace and exit 1.
 */
export function endQuietlyOnClosedPipes(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    throw error;
  });
  // Progress and messages on a closed stderr have nowhere to go: the command goes on without them.
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
