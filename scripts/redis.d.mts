// Types of scripts/redis.mjs, for the TypeScript tests and benchmarks that import it.
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Stops the process and starts a new one on the same port and dir. */
  restart(): Promise<void>;
  /** Stops the process, keeping its dir (start() brings it back). */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Stops the process and removes its dir. */
  stop(): Promise<void>;
}
export function redisServerPath(): string | undefined;
export const REDIS_SKIP_LINE: string;
export function startRedisServer(options?: { appendOnly?: boolean; port?: number }): Promise<RedisServer>;
