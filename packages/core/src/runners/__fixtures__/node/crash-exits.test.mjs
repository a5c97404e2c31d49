import { test } from 'node:test';

// Exits while loading, before any test is defined.
console.error('fixture exits while loading');
process.exit(1);

test('never defined', () => {});
