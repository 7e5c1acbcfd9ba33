// Prints the one line that says the Redis tests were skipped, and how to run them, once per run.
import { REDIS_SKIP_LINE } from '../../../scripts/redis.mjs';
import { redisAvailable } from './redis-available.js';

export default function setup(): void {
  if (!redisAvailable) process.stderr.write(`\n${REDIS_SKIP_LINE}\n\n`);
}
