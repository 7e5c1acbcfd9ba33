/**
 * Every canonical follow-up action, one per Midjourney button. Adapters map these to their
 * vendor's button label, action name or endpoint.
 */
export const ACTION_IDS = [
  'upscale-1',
  'upscale-2',
  'upscale-3',
  'upscale-4',
  'variation-1',
  'variation-2',
  'variation-3',
  'variation-4',
  'reroll',
  'upscale-subtle',
  'upscale-creative',
  'upscale-2x',
  'upscale-4x',
  'redo-upscale-subtle',
  'redo-upscale-creative',
  'redo-upscale-2x',
  'redo-upscale-4x',
  'vary-subtle',
  'vary-strong',
  'vary-region',
  'zoom-out-1.5x',
  'zoom-out-2x',
  'custom-zoom',
  'make-square',
  'pan-left',
  'pan-right',
  'pan-up',
  'pan-down',
] as const;

/** A canonical action id, e.g. `'upscale-2'` or `'zoom-out-1.5x'`. */
export type ActionId = (typeof ACTION_IDS)[number];

/** Actions Midjourney offers on a 2x2 grid (imagine, variation, reroll results). */
export const GRID_ACTIONS: readonly ActionId[] = [
  'upscale-1',
  'upscale-2',
  'upscale-3',
  'upscale-4',
  'reroll',
  'variation-1',
  'variation-2',
  'variation-3',
  'variation-4',
];

/** Actions Midjourney offers on a single upscaled image (V6/V7 button set). */
export const UPSCALED_ACTIONS: readonly ActionId[] = [
  'upscale-subtle',
  'upscale-creative',
  'vary-subtle',
  'vary-strong',
  'vary-region',
  'zoom-out-2x',
  'zoom-out-1.5x',
  'custom-zoom',
  'make-square',
  'pan-left',
  'pan-right',
  'pan-up',
  'pan-down',
];

const actionSet: ReadonlySet<string> = new Set(ACTION_IDS);

/** True when `value` is one of {@link ACTION_IDS}. */
export function isActionId(value: unknown): value is ActionId {
  return typeof value === 'string' && actionSet.has(value);
}

/** Extra spellings per id, written in the folded form {@link foldLabel} produces. */
const ALIASES: Record<ActionId, readonly string[]> = {
  'upscale-1': ['u1'],
  'upscale-2': ['u2'],
  'upscale-3': ['u3'],
  'upscale-4': ['u4'],
  'variation-1': ['v1', 'variations1', 'vary1'],
  'variation-2': ['v2', 'variations2', 'vary2'],
  'variation-3': ['v3', 'variations3', 'vary3'],
  'variation-4': ['v4', 'variations4', 'vary4'],
  reroll: ['\u{1f504}', 'rerun', 'redo'],
  'upscale-subtle': ['upscalealtsubtle'],
  'upscale-creative': ['upscalealtcreative'],
  'upscale-2x': ['upscalehighres2x'],
  'upscale-4x': ['upscalehighres4x'],
  'redo-upscale-subtle': [],
  'redo-upscale-creative': [],
  'redo-upscale-2x': [],
  'redo-upscale-4x': [],
  'vary-subtle': ['variationsubtle', 'variationssubtle', 'lowvariation', 'varylow'],
  'vary-strong': ['variationstrong', 'variationsstrong', 'highvariation', 'varyhigh'],
  'vary-region': ['variationregion', 'inpaint'],
  'zoom-out-1.5x': ['zoomout1.5', 'outpaint1.5x', 'outpaint1.5'],
  'zoom-out-2x': ['zoomout2', 'outpaint2x', 'outpaint2'],
  'custom-zoom': ['zoomcustom', 'zoom'],
  'make-square': ['square', 'makesquare'],
  'pan-left': ['\u2b05', 'left', 'panleft'],
  'pan-right': ['\u27a1', 'right', 'panright'],
  'pan-up': ['\u2b06', 'up', 'panup'],
  'pan-down': ['\u2b07', 'down', 'pandown'],
};

/**
 * Folds a vendor label to one comparable key: lower case, no emoji variation selector, no spaces,
 * dashes, underscores, parentheses or `#`, and `1_5` / `1 5` read as `1.5`.
 */
function foldLabel(label: string): string {
  return label
    .normalize('NFC')
    .toLowerCase()
    .replace(/\ufe0f/g, '')
    .replace(/(\d)[\s_-](\d)/g, '$1.$2')
    .replace(/[\s_\-()#]/g, '');
}

const lookup: ReadonlyMap<string, ActionId> = new Map(
  ACTION_IDS.flatMap((id) => [[foldLabel(id), id] as const, ...ALIASES[id].map((alias) => [alias, id] as const)]),
);

/**
 * Reads a vendor's spelling of a Midjourney button and returns the canonical {@link ActionId}:
 * `U2`, `🔄`, `⬅️`, `Vary (Strong)`, `Zoom Out 1.5x`, `upscale1`, `zoom_out_1_5x`, `pan_left`,
 * `variation_strong`, `upscale#3`, … Returns `undefined` for labels it does not know.
 *
 * @example
 * parseAction('U2'); // 'upscale-2'
 * parseAction('Zoom Out 1.5x'); // 'zoom-out-1.5x'
 * parseAction('Cancel Job'); // undefined
 */
export function parseAction(label: string): ActionId | undefined {
  if (isActionId(label)) return label;
  return lookup.get(foldLabel(label));
}

/** What an action needs besides the job it acts on. */
export function actionRequirements(action: ActionId): { mask?: true; zoom?: true } {
  if (action === 'vary-region') return { mask: true };
  if (action === 'custom-zoom') return { zoom: true };
  return {};
}

/** The 1-based image index of `upscale-N` / `variation-N`, or `undefined` for other actions. */
export function actionIndex(action: ActionId): 1 | 2 | 3 | 4 | undefined {
  const m = /^(?:upscale|variation)-([1-4])$/.exec(action);
  return m ? (Number(m[1]) as 1 | 2 | 3 | 4) : undefined;
}
