import { ACTION_IDS, type Capabilities, MIDJOURNEY_MODEL } from '@mjgate/core';

/**
 * The Flux model ImaginePro documents for `/api/v1/flux/imagine` (§3.12: `model`, default and only
 * documented value `flux-1.1-pro`).
 */
export const FLUX_MODEL = 'flux-1.1-pro';

/**
 * What the ImaginePro client can do, as static data: a gateway or a tool can read it without
 * building a client (which would need an API key).
 */
export const IMAGINEPRO_CAPABILITIES: Capabilities = {
  operations: ['imagine', 'action', 'describe', 'blend', 'faceswap', 'video'],
  // Every Midjourney button: `act` sends one only when the job's own `buttons` offers it.
  actions: ACTION_IDS,
  batchGet: false,
  webhooks: true,
  cancel: true,
  account: true,
  // Midjourney (§3.1) and FLUX 1.1 PRO (§3.12, `/api/v1/flux/imagine`).
  models: [MIDJOURNEY_MODEL, FLUX_MODEL],
};
