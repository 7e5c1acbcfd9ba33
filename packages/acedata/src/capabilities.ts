import type { Capabilities } from '@mjgate/core';
import { ACEDATA_ACTION_IDS } from './mapping.js';

/**
 * What the AceData client can do, as static data (readable without building a client): everything
 * but face swap, custom zoom, cancel and account.
 */
export const ACEDATA_CAPABILITIES: Capabilities = {
  operations: ['imagine', 'action', 'describe', 'blend', 'video', 'shorten', 'seed'],
  actions: ACEDATA_ACTION_IDS,
  batchGet: true,
  webhooks: true,
  cancel: false,
  account: false,
};
