// Run by runner-helpers.spec.ts with Jest: the Jest helper on the global setup's PGlite.
const { useTestDatabase } = require(process.env.DB_DIST + '/jest.js');

const db = useTestDatabase({ schema: process.env.DB_SCHEMA, isolation: 'rollback' });

test('gets its database from the global setup', () => {
  expect(process.env.SHARDWISE_DATABASE_URLS).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+/);
  expect(db.url).toBe(process.env.SHARDWISE_DATABASE_URLS.split(',')[0]);
});

test('writes in one test', async () => {
  await db.query("UPDATE product SET stock = 0 WHERE sku = 'KB-01'");
});

test('finds the seeded stock in the next', async () => {
  const { rows } = await db.query("SELECT stock FROM product WHERE sku = 'KB-01'");
  expect(rows[0].stock).toBe(25);
});
