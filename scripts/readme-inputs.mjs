// Writes the README's "Inputs and outputs" tables from action.yml, between the markers below, so
// that the README cannot describe an input the action lacks or miss one it has.
//
//   node scripts/readme-inputs.mjs          rewrite README.md in place
//   node scripts/readme-inputs.mjs --check  exit 1 when README.md differs from action.yml
//
// test/readme.test.ts runs the check, so a changed action.yml fails the tests until this script
// has been run.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parse } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const START = '<!-- action.yml tables: start (written by scripts/readme-inputs.mjs) -->';
export const END = '<!-- action.yml tables: end -->';

/** The two tables, inputs then outputs, as markdown. */
export function renderTables(manifest) {
  const cell = (text) => String(text).replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
  const lines = ['| input | required | default | description |', '| --- | --- | --- | --- |'];
  for (const [name, input] of Object.entries(manifest.inputs ?? {})) {
    const required = input.required === true || input.required === 'true' ? 'yes' : 'no';
    const fallback = input.default === undefined ? '' : `\`${cell(input.default)}\``;
    lines.push(`| \`${name}\` | ${required} | ${fallback} | ${cell(input.description ?? '')} |`);
  }
  lines.push('', '| output | description |', '| --- | --- |');
  for (const [name, output] of Object.entries(manifest.outputs ?? {})) {
    lines.push(`| \`${name}\` | ${cell(output.description ?? '')} |`);
  }
  return lines.join('\n');
}

/** The README with the text between the markers replaced by the tables. */
export function rewrite(readme, manifest) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) {
    throw new Error(`README.md lacks the markers ${START} and ${END}, in that order.`);
  }
  return `${readme.slice(0, start + START.length)}\n${renderTables(manifest)}\n${readme.slice(end)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const readmePath = join(ROOT, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const manifest = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
  const next = rewrite(readme, manifest);
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      console.error('README.md differs from action.yml: run node scripts/readme-inputs.mjs');
      process.exit(1);
    }
  } else if (next !== readme) {
    writeFileSync(readmePath, next);
    console.log('README.md: inputs and outputs rewritten from action.yml.');
  }
}
