import { readFileSync } from 'node:fs';

import { describe, expect, it } from '@jest/globals';

import { FIXES, LINES, fill } from '../../src/diagnose/messages.js';
import { REPO_ROOT } from '../e2e/runner.js';

// The diagnosis is documented in the README's troubleshooting section, keyed by exact text.
const doc = readFileSync(`${REPO_ROOT}/README.md`, 'utf8');

describe("the README's troubleshooting of the connectivity diagnosis", () => {
  it.each(Object.entries(LINES))('lists the line %s by its exact text', (_id, template) => {
    expect(doc).toContain(`\`${template}\``);
  });

  it.each(Object.entries(FIXES))('lists the fix %s by its exact text', (_id, template) => {
    expect(doc).toContain(`\`Fix: ${template}\``);
  });
});

describe('filling a line', () => {
  it('puts the values in and leaves a missing one visible', () => {
    expect(fill('TCP connect to {endpoint}: refused ({code})', { endpoint: '127.0.0.1:9' })).toBe(
      'TCP connect to 127.0.0.1:9: refused ({code})',
    );
  });
});
