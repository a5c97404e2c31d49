import { test } from 'node:test';

// Fails while loading, before any test is defined.
throw new Error('fixture crashes while loading');

test('never defined', () => {});
