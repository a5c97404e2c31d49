import { describe, expect, it } from 'vitest';
import { splitSqlStatements } from './sql-statements';

describe('splitSqlStatements', () => {
  it('splits at top-level semicolons and drops comment-only parts', () => {
    expect(
      splitSqlStatements('CREATE TABLE a (x int);\n-- note; here\nINSERT INTO a VALUES (1);\n'),
    ).toEqual(['CREATE TABLE a (x int);', '-- note; here\nINSERT INTO a VALUES (1);']);
  });

  it('keeps semicolons inside strings, identifiers, dollar quotes and block comments', () => {
    const script = [
      "INSERT INTO t VALUES ('a;b', 'it''s; fine', E'x\\';y');",
      'SELECT 1 AS "odd;name";',
      'CREATE FUNCTION f() RETURNS int AS $fn$ BEGIN RETURN 1; END; $fn$ LANGUAGE plpgsql;',
      'DO $$ BEGIN PERFORM 1; END $$;',
      '/* a; /* nested; */ still; */ SELECT 2',
    ].join('\n');
    expect(splitSqlStatements(script)).toEqual([
      "INSERT INTO t VALUES ('a;b', 'it''s; fine', E'x\\';y');",
      'SELECT 1 AS "odd;name";',
      'CREATE FUNCTION f() RETURNS int AS $fn$ BEGIN RETURN 1; END; $fn$ LANGUAGE plpgsql;',
      'DO $$ BEGIN PERFORM 1; END $$;',
      '/* a; /* nested; */ still; */ SELECT 2',
    ]);
  });

  it('does not take a positional parameter for a dollar quote', () => {
    expect(splitSqlStatements('SELECT $1; SELECT $2;')).toEqual(['SELECT $1;', 'SELECT $2;']);
  });
});
