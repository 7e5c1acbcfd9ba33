import { ACTION_IDS } from '@mjgate/core';
import { describe, it } from 'vitest';
import { code, expectDocTable } from '../../core/test/docs-tables-support.js';
import { ACTIONS, STATES } from '../src/mapping.js';

const DOC = new URL('../../../docs/providers/acedata.md', import.meta.url);

describe('docs/providers/acedata.md shows the code’s tables', () => {
  it('canonical actions ↔ AceData action values', () => {
    expectDocTable(DOC, 'acedata-actions', {
      header: ['canonical action', 'AceData `action`', 'also read as', 'result'],
      rows: ACTION_IDS.map((action) => {
        const entry = Object.hasOwn(ACTIONS, action) ? ACTIONS[action as keyof typeof ACTIONS] : undefined;
        if (!entry) return [code(action), '—', '—', '`UnsupportedError`'];
        const legacy = entry.legacy?.map(code).join(', ') || '—';
        return [code(action), code(entry.label), legacy, entry.grid ? 'grid (`split_images: true`)' : 'one image'];
      }),
    });
  });

  it('state words', () => {
    expectDocTable(DOC, 'acedata-states', {
      header: ['AceData `state`', '`job.status`'],
      rows: Object.entries(STATES).map(([word, status]) => [code(word), code(status)]),
    });
  });
});
