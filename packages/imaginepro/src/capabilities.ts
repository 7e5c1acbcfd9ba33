import { ACTION_IDS, type Capabilities, MIDJOURNEY_MODEL } from '@mjgate/core';
import { FLUX_MODEL } from './mapping.js';

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
