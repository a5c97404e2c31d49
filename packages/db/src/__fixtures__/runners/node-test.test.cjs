// Run by runner-helpers.spec.ts with `node --test`: the node:test helper on its own PGlite.
const assert = require('node:assert');
const { test } = require('node:test');
const { useTestDatabase } = require(process.env.DB_DIST + '/node-test.js');

const db = useTestDatabase({ schema: process.env.DB_SCHEMA });

test('writes in one test', async () => {
  await db.query("UPDATE product SET stock = 0 WHERE sku = 'KB-01'");
});

test('finds the seeded stock in the next', async () => {
  const { rows } = await db.query("SELECT stock FROM product WHERE sku = 'KB-01'");
  assert.equal(rows[0].stock, 25);
});
