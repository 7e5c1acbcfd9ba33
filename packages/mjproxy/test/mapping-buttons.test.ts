import { GRID_ACTIONS } from '@mjgate/core';
import { describe, expect, it } from 'vitest';
import { buttonAction, buttonFor, offeredActions } from '../src/mapping.js';

// §4.1 button table, one customId shape per row: a wrong row is a follow-up the user is offered
// but cannot perform, or one that performs another action than the one asked for.

describe('buttons → actions (§4.1)', () => {
  it.each([
    ['MJ::JOB::upsample::1::h', 'upscale-1'],
    ['MJ::JOB::upsample::4::h', 'upscale-4'],
    ['MJ::JOB::variation::2::h', 'variation-2'],
    ['MJ::JOB::variation::1::h::SOLO', 'vary-strong'],
    ['MJ::JOB::reroll::0::h::SOLO', 'reroll'],
    ['MJ::JOB::upsample_v6_2x_subtle::1::h::SOLO', 'upscale-subtle'],
    ['MJ::JOB::upsample_v6_2x_creative::1::h::SOLO', 'upscale-creative'],
    ['MJ::JOB::upsample_v5_2x::1::h::SOLO', 'upscale-2x'],
    ['MJ::JOB::upsample_v5_4x::1::h::SOLO', 'upscale-4x'],
    ['MJ::JOB::low_variation::1::h::SOLO', 'vary-subtle'],
    ['MJ::JOB::high_variation::1::h::SOLO', 'vary-strong'],
    ['MJ::Inpaint::1::h::SOLO', 'vary-region'],
    ['MJ::Outpaint::50::1::h::SOLO', 'zoom-out-2x'],
    ['MJ::Outpaint::75::1::h::SOLO', 'zoom-out-1.5x'],
    ['MJ::Outpaint::100::1::h::SOLO', 'make-square'],
    ['MJ::CustomZoom::h', 'custom-zoom'],
    ['MJ::JOB::pan_left::1::h::SOLO', 'pan-left'],
    ['MJ::JOB::pan_right::1::h::SOLO', 'pan-right'],
    ['MJ::JOB::pan_up::1::h::SOLO', 'pan-up'],
    ['MJ::JOB::pan_down::1::h::SOLO', 'pan-down'],
    ['MJ::JOB::video_virtual_upscale::3::h', 'upscale-3'],
  ])('%s → %s', (customId, action) => {
    expect(buttonAction({ customId })).toBe(action);
    // Spaces around the id do not change it.
    expect(buttonAction({ customId: ` ${customId} ` })).toBe(action);
  });

  it('"Redo" labels make the redo form of every upscale kind', () => {
    const redo = (customId: string) => buttonAction({ customId, label: 'Redo Upscale' });
    expect(redo('MJ::JOB::upsample_v6_2x_subtle::1::h::SOLO')).toBe('redo-upscale-subtle');
    expect(redo('MJ::JOB::upsample_v6_2x_creative::1::h::SOLO')).toBe('redo-upscale-creative');
    expect(redo('MJ::JOB::upsample_v5_2x::1::h::SOLO')).toBe('redo-upscale-2x');
    expect(redo('MJ::JOB::upsample_v5_4x::1::h::SOLO')).toBe('redo-upscale-4x');
    // "Redo" must be a word at the start of the label.
    expect(buttonAction({ customId: 'MJ::JOB::upsample_v5_2x::1::h::SOLO', label: 'Redone' })).toBe('upscale-2x');
    expect(buttonAction({ customId: 'MJ::JOB::upsample_v5_2x::1::h::SOLO', label: 'Upscale Redo' })).toBe('upscale-2x');
  });

  it('only the start of a customId decides: a pattern buried inside another id does not match', () => {
    expect(buttonAction({ customId: 'X::MJ::JOB::upsample::1::h' })).toBeUndefined();
    expect(buttonAction({ customId: 'MJ::JOB::upsample::5::h' })).toBeUndefined();
    expect(buttonAction({ customId: 'MJ::JOB::variation::1::h::SOLO::more' })).toBe('variation-1');
  });

  it.each([
    ['MJ::BOOKMARK::h', '❤️'],
    ['MJ::JOB::animate_low::1::h::SOLO', 'Animate (Low motion)'],
    ['MJ::JOB::video::1::h', 'Upscale'],
    ['MJ::Job::PicReader::1', 'Upscale'],
    ['MJ::Picread::Retry', 'Upscale'],
    ['MJ::Job::PromptAnalyzer::1', 'Upscale'],
    ['MJ::Job::ShowDetails', 'Upscale'],
    ['mj::bookmark::h', 'U1'],
  ])('%s is no action, whatever its label says', (customId, label) => {
    expect(buttonAction({ customId, label })).toBeUndefined();
  });

  it('a link button (style 5) or a button with no customId is no action', () => {
    expect(buttonAction({ customId: 'https://example.com', label: 'U1', style: 5 })).toBeUndefined();
    expect(buttonAction({ label: 'U1' })).toBeUndefined();
    expect(buttonAction({ customId: '  ', label: 'U1' })).toBeUndefined();
  });

  it('an unknown customId shape falls back to the label, then to the emoji', () => {
    expect(buttonAction({ customId: 'MJ::Future::1', label: 'U2', style: 2 })).toBe('upscale-2');
    expect(buttonAction({ customId: 'MJ::Future::1', label: '  ', emoji: '🔄' })).toBe('reroll');
    expect(buttonAction({ customId: 'MJ::Future::1', emoji: '🔄' })).toBe('reroll');
    expect(buttonAction({ customId: 'MJ::Future::1', label: 'Something else' })).toBeUndefined();
    expect(buttonAction({ customId: 'MJ::Future::1' })).toBeUndefined();
  });
});

describe('what a finished task offers (§4.2)', () => {
  it('its buttons, in the canonical order, each once, without the ones that are no action', () => {
    const task = {
      id: '1',
      action: 'IMAGINE',
      buttons: [
        { customId: 'MJ::JOB::reroll::0::h::SOLO' },
        { customId: 'MJ::JOB::upsample::2::h' },
        { customId: 'MJ::BOOKMARK::h' },
        { customId: 'MJ::JOB::upsample::1::h' },
        { customId: 'MJ::JOB::upsample::1::h' },
      ],
    };
    expect(offeredActions(task)).toEqual(['upscale-1', 'upscale-2', 'reroll']);
    expect(buttonFor(task, 'upscale-2')?.customId).toBe('MJ::JOB::upsample::2::h');
    expect(buttonFor(task, 'variation-1')).toBeUndefined();
  });

  it('no buttons at all: the U/V/🔄 set for the actions /mj/submit/change accepts, nothing for others', () => {
    for (const action of ['IMAGINE', 'VARIATION', 'REROLL', 'BLEND', ' imagine ']) {
      expect(offeredActions({ id: '1', action })).toEqual([...GRID_ACTIONS]);
    }
    for (const action of ['UPSCALE', 'DESCRIBE', 'PAN', '']) expect(offeredActions({ id: '1', action })).toEqual([]);
    expect(offeredActions({ id: '1' })).toEqual([]);
  });

  it('an empty button list means no follow-ups, even for a grid', () => {
    expect(offeredActions({ id: '1', action: 'IMAGINE', buttons: [] })).toEqual([]);
  });
});
