import { describe, it } from 'vitest';
import { code, expectDocTable } from '../../core/test/docs-tables-support.js';
import { BUTTONS, CANCEL_BUTTON, PROMPT_ACTIONS, STATUS } from '../src/mapping.js';

const DOC = new URL('../../../docs/providers/imaginepro.md', import.meta.url);

/** A label as the docs show it: the exact text, and its code points where they are not plain ASCII. */
function label(text: string): string {
  const points = [...text].map((c) => c.codePointAt(0) ?? 0);
  if (points.every((p) => p < 0x80)) return code(text);
  return `${code(text)} (${points.map((p) => `U+${p.toString(16).toUpperCase()}`).join(' ')})`;
}

describe('docs/providers/imaginepro.md shows the code’s tables', () => {
  it('status words', () => {
    expectDocTable(DOC, 'imaginepro-status', {
      header: ['ImaginePro `status`', '`job.status`'],
      rows: Object.entries(STATUS).map(([word, status]) => [code(word), code(status)]),
    });
  });

  it('canonical actions ↔ button labels', () => {
    expectDocTable(DOC, 'imaginepro-buttons', {
      header: ['canonical action', '`button` label', 'documented by ImaginePro', 'takes `prompt`'],
      rows: [
        ...BUTTONS.map(({ action, label: text, documented }) => [
          code(action),
          label(text),
          documented ? 'yes' : 'no (Midjourney label)',
          PROMPT_ACTIONS.has(action) ? 'yes' : '—',
        ]),
        ['(`cancel(job)`)', label(CANCEL_BUTTON), 'yes', '—'],
      ],
    });
  });
});
