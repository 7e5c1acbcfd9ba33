/**
 * What vendors' free-text messages mean, as one table for every adapter: vendors put moderation
 * refusals, empty balances and full queues in words rather than codes, and two adapters each
 * keeping a regex drift apart ("community standards" in one, "community guidelines" in another).
 */

/** The kinds of refusal vendors only state in words. */
export type VendorWording = 'moderation' | 'credits' | 'queue';

/**
 * The patterns, from the wording the vendors' docs and the simulator quote: Midjourney's own
 * moderation texts ("Banned prompt", "against our community standards/guidelines"), balances
 * ("insufficient credits", "top up", "quota"), and queue or concurrency limits.
 */
export const VENDOR_WORDING: Readonly<Record<VendorWording, RegExp>> = {
  moderation:
    /\bbanned\b|\bprohibited\b|moderat|community (?:standards|guidelines)|content polic|\bnsfw\b|inappropriate/i,
  // "insufficient" only with what is insufficient: "insufficient permissions" is about the key.
  credits: /\bcredits?\b|\bbalance\b|top[\s-]?up|\bquota\b|insufficient (?:credits?|balance|funds|quota)|\brecharge\b/i,
  queue: /\bqueue\b|concurren|too many|\bbusy\b/i,
};

/** Whether a vendor's `text` says `kind` (an empty or missing text says nothing). */
export function saysVendor(kind: VendorWording, text: string | null | undefined): boolean {
  return typeof text === 'string' && text !== '' && VENDOR_WORDING[kind].test(text);
}
