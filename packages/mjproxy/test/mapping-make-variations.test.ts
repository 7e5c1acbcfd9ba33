import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { buttonAction, taskToJob } from '../src/mapping.js';
import { taskSchema } from '../src/schemas.js';
import { fixture } from './helpers.js';

// The pre-"Vary (Strong)" "Make Variations" button of an upscaled v5.0/5.1 image (§4.4):
// `MJ::JOB::variation::1::<h>::SOLO` with a full image hash is vary-strong, not V1 of a grid.

const HASH = '85a4b4c1-8835-46c5-a15c-aea34fad1862';

describe('Make Variations (§4.4)', () => {
  it('variation::1::<hash>::SOLO is vary-strong; variation::1::<hash> stays variation-1', () => {
    expect(buttonAction({ customId: `MJ::JOB::variation::1::${HASH}::SOLO`, label: 'Make Variations' })).toBe(
      'vary-strong',
    );
    expect(buttonAction({ customId: `MJ::JOB::variation::1::${HASH}`, label: 'V1' })).toBe('variation-1');
  });

  it('an upscaled v5 task offering it lists vary-strong among its actions, not variation-1', () => {
    const raw = {
      ...fixture('task-upscale-trueai'),
      buttons: [
        { customId: `MJ::JOB::upsample_v5_2x::1::${HASH}::SOLO`, label: 'Upscale (2x)', type: 2, style: 2 },
        { customId: `MJ::JOB::upsample_v5_4x::1::${HASH}::SOLO`, label: 'Upscale (4x)', type: 2, style: 2 },
        { customId: `MJ::JOB::variation::1::${HASH}::SOLO`, label: 'Make Variations', emoji: '🪄', type: 2, style: 2 },
      ],
    };
    const job = taskToJob(raw, v.parse(taskSchema, raw));
    expect([...job.actions].sort()).toEqual(['upscale-2x', 'upscale-4x', 'vary-strong']);
  });
});
