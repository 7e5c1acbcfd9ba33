import type { Capabilities } from '../src/index.js';

/** Capabilities of a test vendor ('wide') that offers every operation and a few actions. */
export const WIDE_CAPABILITIES: Capabilities = {
  operations: ['imagine', 'action', 'describe', 'blend', 'faceswap', 'video', 'shorten', 'seed'],
  actions: ['upscale-1', 'custom-zoom', 'vary-region'],
  batchGet: true,
  webhooks: true,
  cancel: false,
  account: false,
};
