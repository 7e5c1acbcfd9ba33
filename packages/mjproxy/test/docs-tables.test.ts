import { ACTION_IDS } from '@mjgate/core';
import { describe, it } from 'vitest';
import { code, expectDocTable } from '../../core/test/docs-tables-support.js';
import { buttonAction, CHANGE_ACTIONS, STATUS_MAP } from '../src/mapping.js';
import { MODAL_ACTIONS, REMIX_ACTIONS } from '../src/requests.js';

const DOC = new URL('../../../docs/providers/mjproxy.md', import.meta.url);

/** One button of each kind, as the reference shows them (§4.1); `<h>` is the image hash. */
const SAMPLE_BUTTONS: ReadonlyArray<readonly [customId: string, label: string]> = [
  ...[1, 2, 3, 4].map((n) => [`MJ::JOB::upsample::${n}::<h>`, `U${n}`] as const),
  ...[1, 2, 3, 4].map((n) => [`MJ::JOB::variation::${n}::<h>`, `V${n}`] as const),
  ['MJ::JOB::reroll::0::<h>::SOLO', '🔄'],
  ['MJ::JOB::upsample_v6r1_2x_subtle::1::<h>::SOLO', 'Upscale (Subtle)'],
  ['MJ::JOB::upsample_v6r1_2x_creative::1::<h>::SOLO', 'Upscale (Creative)'],
  ['MJ::JOB::upsample_v5_2x::1::<h>::SOLO', 'Upscale (2x)'],
  ['MJ::JOB::upsample_v5_4x::1::<h>::SOLO', 'Upscale (4x)'],
  ['MJ::JOB::upsample_v6r1_2x_subtle::1::<h>::SOLO', 'Redo Upscale (Subtle)'],
  ['MJ::JOB::upsample_v6r1_2x_creative::1::<h>::SOLO', 'Redo Upscale (Creative)'],
  ['MJ::JOB::upsample_v5_2x::1::<h>::SOLO', 'Redo Upscale (2x)'],
  ['MJ::JOB::upsample_v5_4x::1::<h>::SOLO', 'Redo Upscale (4x)'],
  ['MJ::JOB::low_variation::1::<h>::SOLO', 'Vary (Subtle)'],
  ['MJ::JOB::high_variation::1::<h>::SOLO', 'Vary (Strong)'],
  ['MJ::Inpaint::1::<h>::SOLO', 'Vary (Region)'],
  ['MJ::Outpaint::75::1::<h>::SOLO', 'Zoom Out 1.5x'],
  ['MJ::Outpaint::50::1::<h>::SOLO', 'Zoom Out 2x'],
  ['MJ::CustomZoom::<h>', 'Custom Zoom'],
  ['MJ::Outpaint::100::1::<h>::SOLO', 'Make Square'],
  ...(['left', 'right', 'up', 'down'] as const).map((d) => [`MJ::JOB::pan_${d}::1::<h>::SOLO`, `pan ${d}`] as const),
];

/** How `act` performs an action (§4.1–4.3). */
function howPerformed(action: (typeof ACTION_IDS)[number]): string {
  if (MODAL_ACTIONS.has(action)) return '`/mj/submit/action` → code 21 → `/mj/submit/modal`';
  const remix = REMIX_ACTIONS.has(action) ? ' (with a prompt: `enableRemix`, then `/mj/submit/modal`)' : '';
  const change = CHANGE_ACTIONS.includes(action) ? '; no buttons: `/mj/submit/change`' : '';
  return `\`/mj/submit/action\`${remix}${change}`;
}

describe('docs/providers/mjproxy.md shows the code’s tables', () => {
  it('status words', () => {
    expectDocTable(DOC, 'mjproxy-status', {
      header: ['Task `status`', '`job.status`'],
      rows: Object.entries(STATUS_MAP).map(([word, status]) => [code(word), code(status)]),
    });
  });

  it('buttons → canonical actions', () => {
    expectDocTable(DOC, 'mjproxy-actions', {
      header: ['canonical action', 'button `customId` (label)', 'how `act` sends it'],
      rows: ACTION_IDS.map((action) => {
        const buttons = SAMPLE_BUTTONS.filter(([customId, label]) => buttonAction({ customId, label }) === action);
        const shown = buttons.map(([customId, label]) => `${code(customId)} (${label})`).join(', ');
        return [code(action), shown || '—', howPerformed(action)];
      }),
    });
  });
});
