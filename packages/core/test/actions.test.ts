import { describe, expect, it } from 'vitest';
import { ACTION_IDS, actionIndex, isActionId, parseAction } from '../src/index.js';

describe('parseAction', () => {
  it.each([
    ['U1', 'upscale-1'],
    ['U4', 'upscale-4'],
    ['V2', 'variation-2'],
    ['🔄', 'reroll'],
    ['⬅️', 'pan-left'],
    ['⬅', 'pan-left'],
    ['➡️', 'pan-right'],
    ['⬆️', 'pan-up'],
    ['⬇️', 'pan-down'],
    ['Vary (Strong)', 'vary-strong'],
    ['Vary (Subtle)', 'vary-subtle'],
    ['Vary (Region)', 'vary-region'],
    ['Zoom Out 1.5x', 'zoom-out-1.5x'],
    ['Zoom Out 2x', 'zoom-out-2x'],
    ['Custom Zoom', 'custom-zoom'],
    ['Make Square', 'make-square'],
    ['Upscale (Subtle)', 'upscale-subtle'],
    ['Upscale (Creative)', 'upscale-creative'],
    ['Upscale (2x)', 'upscale-2x'],
    ['Redo Upscale (4x)', 'redo-upscale-4x'],
    ['upscale1', 'upscale-1'],
    ['variation3', 'variation-3'],
    ['zoom_out_1_5x', 'zoom-out-1.5x'],
    ['zoom_out_2x', 'zoom-out-2x'],
    ['pan_left', 'pan-left'],
    ['variation_strong', 'vary-strong'],
    ['variation_subtle', 'vary-subtle'],
    ['variation_region', 'vary-region'],
    ['redo_upscale_2x', 'redo-upscale-2x'],
    ['upscale_creative', 'upscale-creative'],
    ['square', 'make-square'],
    ['reroll', 'reroll'],
    ['upscale#3', 'upscale-3'],
    ['zoom-out-1.5x', 'zoom-out-1.5x'],
  ])('%s → %s', (label, id) => {
    expect(parseAction(label)).toBe(id);
  });

  it('returns undefined for labels it does not know', () => {
    expect(parseAction('Cancel Job')).toBeUndefined();
    expect(parseAction('U5')).toBeUndefined();
    expect(parseAction('')).toBeUndefined();
  });

  it('round-trips every canonical id', () => {
    for (const id of ACTION_IDS) expect(parseAction(id)).toBe(id);
    expect(ACTION_IDS).toHaveLength(28);
    expect(new Set(ACTION_IDS).size).toBe(ACTION_IDS.length);
  });

  it('isActionId and actionIndex', () => {
    expect(isActionId('upscale-2')).toBe(true);
    expect(isActionId('U2')).toBe(false);
    expect(actionIndex('variation-4')).toBe(4);
    expect(actionIndex('upscale-2x')).toBeUndefined();
  });
});
