import { ACTION_IDS, type ActionId, type Capabilities } from '@mjgate/core';

/** The canonical actions APIFRAME has an endpoint for: all but the `redo-upscale-*` buttons (requests.ts routes each). */
export type ApiFrameActionId = Exclude<ActionId, `redo-upscale-${string}`>;

/** The canonical actions this adapter supports, in `ACTION_IDS` order. */
export const SUPPORTED_ACTIONS: readonly ActionId[] = ACTION_IDS.filter(
  (id): id is ApiFrameActionId => !id.startsWith('redo-upscale-'),
);

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
