// The store-down error is core's, so an app tells it apart the same way whatever store it uses.
export { StoreUnavailableError } from '@mjgate/core';
export { createRedisStore, type RedisClient, type RedisStoreOptions } from './store.js';
