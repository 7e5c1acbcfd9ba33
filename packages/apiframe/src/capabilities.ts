import type { Capabilities } from '@mjgate/core';
import { SUPPORTED_ACTIONS } from './requests.js';

/**
 * What the APIFRAME client can do, as static data: a gateway or a tool can read it without building
 * a client (which would need an API key).
 */
export const APIFRAME_CAPABILITIES: Capabilities = {
  operations: ['imagine', 'action', 'describe', 'blend', 'faceswap', 'video', 'shorten', 'seed'],
  actions: SUPPORTED_ACTIONS,
  batchGet: true,
  webhooks: true,
  cancel: false,
  account: true,
};
