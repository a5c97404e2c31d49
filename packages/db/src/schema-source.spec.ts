import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSchemaSource } from './schema-source';

describe('readSchemaSource', () => {
  it('orders a migrations folder by name with numbers compared as numbers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwise-db-schema-'));
    writeFileSync(join(dir, '10_late.sql'), 'SELECT 10;');
    writeFileSync(join(dir, '2_early.sql'), 'SELECT 2;');
    writeFileSync(join(dir, 'notes.md'), 'not SQL');
    const source = readSchemaSource(dir);
    expect(source.files.map((f) => f.file)).toEqual([
      join(dir, '2_early.sql'),
      join(dir, '10_late.sql'),
    ]);
    expect(source.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes its hash when a file changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardwise-db-schema-'));
    const file = join(dir, 'schema.sql');
    writeFileSync(file, 'CREATE TABLE a (x int);');
    const before = readSchemaSource(file).hash;
    writeFileSync(file, 'CREATE TABLE a (x bigint);');
    expect(readSchemaSource(file).hash).not.toBe(before);
  });

  it('names the missing path and an empty folder', () => {
    expect(() => readSchemaSource('/nonexistent/schema.sql')).toThrow(
      /schema: \/nonexistent\/schema.sql does not exist/,
    );
    const empty = join(mkdtempSync(join(tmpdir(), 'shardwise-db-schema-')), 'empty');
    mkdirSync(empty);
    expect(() => readSchemaSource(empty)).toThrow(/holds no .sql files/);
  });
});
