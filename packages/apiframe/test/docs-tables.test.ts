import { ACTION_IDS } from '@mjgate/core';
import { describe, it } from 'vitest';
import { code, expectDocTable } from '../../core/test/docs-tables-support.js';
import { STATUS_MAP } from '../src/mapping.js';
import { ACTION_ROUTES } from '../src/requests.js';

const DOC = new URL('../../../docs/providers/apiframe.md', import.meta.url);

/** The body an action sends besides `parent_task_id`, from the route itself (a sample zoom for custom-zoom). */
function bodyOf(action: string, route: NonNullable<(typeof ACTION_ROUTES)[keyof typeof ACTION_ROUTES]>): string {
  const sample = route.body({ mask: 'iVBORw0KGgo=', zoom: 1.75 });
  const fields = Object.entries(sample).map(([key, value]) => {
    if (key === 'mask') return '`mask` (PNG data URL)';
    if (action === 'custom-zoom' && key === 'zoom_ratio') return '`zoom_ratio`: `input.zoom`';
    return `\`${key}\`: \`${JSON.stringify(value)}\``;
  });
  if (route.prompt) fields.push('`prompt`¹');
  return fields.join(', ') || '—';
}

describe('docs/providers/apiframe.md shows the code’s tables', () => {
  it('status words', () => {
    expectDocTable(DOC, 'apiframe-status', {
      header: ['APIFRAME `status`', '`job.status`'],
      rows: Object.entries(STATUS_MAP).map(([word, status]) => [code(word), code(status)]),
    });
  });

  it('canonical actions → endpoints', () => {
    expectDocTable(DOC, 'apiframe-actions', {
      header: ['canonical action', 'endpoint', 'body besides `parent_task_id`', 'parent'],
      rows: ACTION_IDS.map((action) => {
        const route = ACTION_ROUTES[action];
        if (!route) return [code(action), '—', '—', '`UnsupportedError`'];
        return [code(action), code(route.path), bodyOf(action, route), route.parents.join(' or ')];
      }),
    });
  });
});
