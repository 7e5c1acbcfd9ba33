import { describe, expect, it } from 'vitest';
import { GRID_ACTIONS, parseAction, UPSCALED_ACTIONS } from '../src/index.js';

// The public button sets and every vendor spelling `parseAction` knows, written out here rather
// than read from the module, so a changed table entry shows as a changed answer.

describe('button sets', () => {
  it('GRID_ACTIONS is the 2x2 grid row: U1–U4, reroll, V1–V4, in that order', () => {
    expect(GRID_ACTIONS).toEqual([
      'upscale-1',
      'upscale-2',
      'upscale-3',
      'upscale-4',
      'reroll',
      'variation-1',
      'variation-2',
      'variation-3',
      'variation-4',
    ]);
  });

  it('UPSCALED_ACTIONS is the V6/V7 single-image row, in button order', () => {
    expect(UPSCALED_ACTIONS).toEqual([
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
    ]);
  });
});

describe('parseAction reads every vendor spelling', () => {
  // One row per spelling in its folded form (lower case, no spaces, dashes, underscores,
  // parentheses, `#` or emoji variation selector).
  it.each([
    ['u1', 'upscale-1'],
    ['u2', 'upscale-2'],
    ['u3', 'upscale-3'],
    ['u4', 'upscale-4'],
    ['v1', 'variation-1'],
    ['variations1', 'variation-1'],
    ['vary1', 'variation-1'],
    ['v2', 'variation-2'],
    ['variations2', 'variation-2'],
    ['vary2', 'variation-2'],
    ['v3', 'variation-3'],
    ['variations3', 'variation-3'],
    ['vary3', 'variation-3'],
    ['v4', 'variation-4'],
    ['variations4', 'variation-4'],
    ['vary4', 'variation-4'],
    ['\u{1f504}', 'reroll'],
    ['rerun', 'reroll'],
    ['redo', 'reroll'],
    ['upscalealtsubtle', 'upscale-subtle'],
    ['upscalealtcreative', 'upscale-creative'],
    ['upscalehighres2x', 'upscale-2x'],
    ['upscalehighres4x', 'upscale-4x'],
    ['variationsubtle', 'vary-subtle'],
    ['variationssubtle', 'vary-subtle'],
    ['lowvariation', 'vary-subtle'],
    ['varylow', 'vary-subtle'],
    ['variationstrong', 'vary-strong'],
    ['variationsstrong', 'vary-strong'],
    ['highvariation', 'vary-strong'],
    ['varyhigh', 'vary-strong'],
    ['variationregion', 'vary-region'],
    ['inpaint', 'vary-region'],
    ['zoomout1.5', 'zoom-out-1.5x'],
    ['outpaint1.5x', 'zoom-out-1.5x'],
    ['outpaint1.5', 'zoom-out-1.5x'],
    ['zoomout2', 'zoom-out-2x'],
    ['outpaint2x', 'zoom-out-2x'],
    ['outpaint2', 'zoom-out-2x'],
    ['zoomcustom', 'custom-zoom'],
    ['zoom', 'custom-zoom'],
    ['square', 'make-square'],
    ['makesquare', 'make-square'],
    ['\u2b05', 'pan-left'],
    ['left', 'pan-left'],
    ['panleft', 'pan-left'],
    ['\u27a1', 'pan-right'],
    ['right', 'pan-right'],
    ['panright', 'pan-right'],
    ['\u2b06', 'pan-up'],
    ['up', 'pan-up'],
    ['panup', 'pan-up'],
    ['\u2b07', 'pan-down'],
    ['down', 'pan-down'],
    ['pandown', 'pan-down'],
  ] as const)('%s → %s', (label, id) => {
    expect(parseAction(label)).toBe(id);
  });

  // The same spellings as vendors print them: any case, spaced, dashed, bracketed, with the emoji
  // variation selector.
  it.each([
    ['U1', 'upscale-1'],
    ['Variations 2', 'variation-2'],
    ['VARY_3', 'variation-3'],
    ['\u{1f504}\ufe0f', 'reroll'],
    ['Rerun', 'reroll'],
    ['Redo', 'reroll'],
    ['Upscale Alt (Subtle)', 'upscale-subtle'],
    ['upscale_alt_creative', 'upscale-creative'],
    ['Upscale Highres 2x', 'upscale-2x'],
    ['upscale-highres-4x', 'upscale-4x'],
    ['Low Variation', 'vary-subtle'],
    ['Vary (Low)', 'vary-subtle'],
    ['High Variation', 'vary-strong'],
    ['Vary (High)', 'vary-strong'],
    ['Inpaint', 'vary-region'],
    ['Zoom Out 1.5', 'zoom-out-1.5x'],
    ['Outpaint 1_5x', 'zoom-out-1.5x'],
    ['Outpaint 1 5', 'zoom-out-1.5x'],
    ['Zoom Out 2', 'zoom-out-2x'],
    ['Outpaint (2x)', 'zoom-out-2x'],
    ['Zoom', 'custom-zoom'],
    ['Zoom (Custom)', 'custom-zoom'],
    ['Square', 'make-square'],
    ['\u2b05\ufe0f', 'pan-left'],
    ['Left', 'pan-left'],
    ['\u27a1\ufe0f', 'pan-right'],
    ['RIGHT', 'pan-right'],
    ['\u2b06\ufe0f', 'pan-up'],
    ['Pan Up', 'pan-up'],
    ['\u2b07\ufe0f', 'pan-down'],
    ['Pan_Down', 'pan-down'],
  ] as const)('%s → %s', (label, id) => {
    expect(parseAction(label)).toBe(id);
  });

  // Labels that fold to nothing are no button, whatever the tables hold.
  it.each(['', ' ', '-', '_', '()', '#', '\ufe0f', ' ( # ) '])('%j is no action', (label) => {
    expect(parseAction(label)).toBeUndefined();
  });
});
