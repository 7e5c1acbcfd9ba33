import { ACTION_IDS, type Capabilities } from '@mjgate/core';

/**
 * What the mj-proxy client can do, as static data (vendor doc §10): every operation and all 28
 * actions the protocol can carry; a job's own `actions` (its buttons) say what a result really offers,
 * and a dialect without an endpoint answers with a typed error. The gateway reads this without
 * building a client (which would need a key and a base URL).
 */
export const MJPROXY_CAPABILITIES: Capabilities = {
  operations: ['imagine', 'action', 'describe', 'blend', 'faceswap', 'video', 'shorten', 'seed'],
  actions: ACTION_IDS,
  batchGet: true,
  webhooks: true,
  cancel: true,
  account: false,
  // Midjourney only: no dialect offers another model (§0).
  models: ['midjourney'],
};
