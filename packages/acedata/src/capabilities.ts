import { ACTION_IDS, type ActionId, type Capabilities } from '@mjgate/core';

/** Canonical actions AceData offers: all but `custom-zoom`, which it has no action for. */
export type AceDataActionId = Exclude<ActionId, 'custom-zoom'>;

/** The canonical actions AceData supports, in `ACTION_IDS` order (mapping.ts has a row for each). */
export const ACEDATA_ACTION_IDS: readonly AceDataActionId[] = ACTION_IDS.filter(
  (id): id is AceDataActionId => id !== 'custom-zoom',
);

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
