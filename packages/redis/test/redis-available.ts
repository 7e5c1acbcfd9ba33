// Whether the Redis tests can run here: they need a redis-server binary (scripts/ensure-redis.sh).
import { redisServerPath } from '../../../scripts/redis.mjs';

export const redisAvailable = redisServerPath() !== undefined;
