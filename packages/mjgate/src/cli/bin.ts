#!/usr/bin/env node
// The `mjgate` executable: everything that touches the process as a whole (pipes, the exit code) is here, so
// main.ts can be imported and run in-process by tests without starting a command on import.
import { EXIT } from './errors.js';
import { main } from './main.js';
import { endQuietlyOnClosedPipes } from './pipes.js';

endQuietlyOnClosedPipes();
main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = EXIT.unexpected;
  },
);
