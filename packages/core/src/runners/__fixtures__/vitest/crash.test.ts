import { test } from 'vitest';

// Fails while loading, before any test is defined.
throw new Error('fixture crashes while loading');

test('never defined', () => {});
