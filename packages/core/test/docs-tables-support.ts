// Keeps the mapping tables of docs/providers/*.md equal to the code's tables: each generated table in a
// doc follows a marker `<!-- table: NAME -->`; a test renders NAME from the code and compares cell by
// cell (whitespace and padding aside, so Biome's formatting of the doc does not matter). Run the tests
// with MJGATE_UPDATE_DOCS=1 to write the code's table into the doc instead, then `pnpm format`.
import { readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

/** A table as the code has it: a header row and body rows of plain cell texts. */
export interface DocTable {
  header: string[];
  rows: string[][];
}

/** The table after `<!-- table: name -->` in the doc: its cells, trimmed. */
function tableAfterMarker(doc: string, name: string): { start: number; end: number; table: DocTable } | undefined {
  const marker = `<!-- table: ${name} -->`;
  const at = doc.indexOf(marker);
  if (at < 0) return undefined;
  const lines = doc.slice(at + marker.length).split('\n');
  let offset = at + marker.length;
  let first = -1;
  const rows: string[][] = [];
  let end = offset;
  for (const line of lines) {
    const lineStart = offset;
    offset += line.length + 1;
    if (first < 0 && line.trim() === '') continue;
    if (!line.trim().startsWith('|')) break;
    if (first < 0) first = lineStart;
    end = lineStart + line.length;
    rows.push(cellsOf(line));
  }
  if (first < 0 || rows.length < 2) return undefined;
  const [header, , ...body] = rows;
  return { start: first, end, table: { header: header ?? [], rows: body } };
}

function cellsOf(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

function render(table: DocTable): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(table.header), line(table.header.map(() => '---')), ...table.rows.map(line)].join('\n');
}

/** Asserts the doc's table `name` equals `table`; with MJGATE_UPDATE_DOCS=1 writes it instead. */
export function expectDocTable(docPath: URL, name: string, table: DocTable): void {
  const doc = readFileSync(docPath, 'utf8');
  const found = tableAfterMarker(doc, name);
  if (process.env.MJGATE_UPDATE_DOCS === '1') {
    if (!found) throw new Error(`${docPath.pathname} has no marker <!-- table: ${name} --> to write after`);
    writeFileSync(docPath, doc.slice(0, found.start) + render(table) + doc.slice(found.end));
    return;
  }
  expect(found, `${docPath.pathname} has no table after <!-- table: ${name} -->`).toBeDefined();
  expect(
    found?.table,
    `The table "${name}" in ${docPath.pathname} differs from the code's. Run the tests with MJGATE_UPDATE_DOCS=1, then pnpm format.`,
  ).toEqual(table);
}

/** `text` as a code span of a table cell. */
export function code(text: string): string {
  return `\`${text.replace(/\|/g, '\\|')}\``;
}
