import { describe, expect, it } from 'vitest';
import { ACTION_IDS, actionIndex, actionRequirements, isActionId, parseAction } from '../src/index.js';

describe('isActionId', () => {
  it('accepts only the canonical ids', () => {
    expect(isActionId('upscale-2')).toBe(true);
    expect(isActionId('U2')).toBe(false);
    expect(isActionId('cancel')).toBe(false);
    expect(isActionId(2)).toBe(false);
    expect(isActionId(undefined)).toBe(false);
  });
});

describe('parseAction', () => {
  it('reads digits split by a space, dash or underscore as a decimal', () => {
    expect(parseAction('Zoom Out 1 5x')).toBe('zoom-out-1.5x');
    expect(parseAction('zoom_out_1_5x')).toBe('zoom-out-1.5x');
    expect(parseAction('zoom-out-1-5x')).toBe('zoom-out-1.5x');
  });
});

describe('actionRequirements', () => {
  it('asks for a mask on vary-region, a zoom on custom-zoom, nothing otherwise', () => {
    expect(actionRequirements('vary-region')).toEqual({ mask: true });
    expect(actionRequirements('custom-zoom')).toEqual({ zoom: true });
    for (const id of ACTION_IDS) {
      if (id !== 'vary-region' && id !== 'custom-zoom') expect(actionRequirements(id)).toEqual({});
    }
  });
});

describe('actionIndex', () => {
  it('gives the image number of upscale-N and variation-N only', () => {
    expect(actionIndex('upscale-3')).toBe(3);
    expect(actionIndex('variation-1')).toBe(1);
    expect(actionIndex('upscale-2x')).toBeUndefined();
    expect(actionIndex('redo-upscale-4x')).toBeUndefined();
  });
});
