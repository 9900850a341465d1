import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { PgError } from "../../../src/common/pg-error.ts";
import type { SqlCompiler } from "../../../src/connectors/spi.ts";
import { mysqlCompiler, postgresCompiler, sqliteCompiler } from "../../../src/connectors/sql/index.ts";
import { initParser } from "../../../src/sql/parse.ts";
import { compile } from "./compiler-fixture.ts";

before(async () => {
  await initParser();
});

type Case = [sql: string, params: unknown[], types: number[], text: string, bound: unknown[]];

function run(compiler: SqlCompiler, cases: Case[]): void {
  for (const [sql, params, types, text, bound] of cases) {
    test(sql, () => {
      const q = compile(compiler, sql, params as never[], types);
      assert.equal(q.text, text);
      assert.deepEqual(q.params, bound);
    });
  }
}

function refuses(compiler: SqlCompiler, sql: string, message: string, code = "0A000"): void {
  test(`refuses: ${sql}`, () => {
    assert.throws(
      () => compile(compiler, sql),
      (e: unknown) => e instanceof PgError && e.code === code && e.message === message,
    );
  });
}

describe("postgres dialect", () => {
  run(postgresCompiler, [
    ["select id, name from svc.t", [], [], 'SELECT "t"."id", "t"."name" FROM "t"', []],
    ["select * from t where id = 1", [], [], 'SELECT * FROM "t" WHERE ("t"."id" = $1::int4)', [1]],
    [
      'select name as "Na""me" from t order by name',
      [],
      [],
      'SELECT "t"."name" AS "Na""me" FROM "t" ORDER BY "t"."name"',
      [],
    ],
    ['select * from "we""ird`"', [], [], 'SELECT * FROM "we""ird`"', []],
    [
      "select id from t where name = 'it''s \\ 😀' and name <> E'a\\nb'",
      [],
      [],
      'SELECT "t"."id" FROM "t" WHERE (("t"."name" = $1) AND ("t"."name" <> $2))',
      ["it's \\ 😀", "a\nb"],
    ],
    [
      "select id from t where price > 1.50 and f < 2.5e-1 and ok = true and d = date '2024-02-29'",
      [],
      [],
      'SELECT "t"."id" FROM "t" WHERE (("t"."price" > $1::numeric) AND ("t"."f" < $2::numeric) AND ("t"."ok" = $3::boolean) AND ("t"."d" = $4::date))',
      ["1.50", "0.25", true, "2024-02-29"],
    ],
    [
      "select id from t where ts >= timestamp '2024-01-02 03:04:05.120'",
      [],
      [],
      'SELECT "t"."id" FROM "t" WHERE ("t"."ts" >= $1::timestamp)',
      ["2024-01-02 03:04:05.12"],
    ],
    [
      "select id from t where id = $1 and name = $2 or id = $1",
      [7, "é"],
      [23, 25],
      'SELECT "t"."id" FROM "t" WHERE ((("t"."id" = $1::int4) AND ("t"."name" = $2::text)) OR ("t"."id" = $1::int4))',
      [7, "é"],
    ],
    [
      "select id from t where id = any($1)",
      [[1, 2]],
      [1007],
      'SELECT "t"."id" FROM "t" WHERE ("t"."id" = ANY ($1::int4[]))',
      [[1, 2]],
    ],
    [
      "select id from t order by name desc nulls last, id nulls first, price",
      [],
      [],
      'SELECT "t"."id" FROM "t" ORDER BY "t"."name" DESC NULLS LAST, "t"."id" NULLS FIRST, "t"."price"',
      [],
    ],
    [
      "select id from t order by 1 limit 5 offset 10",
      [],
      [],
      'SELECT "t"."id" FROM "t" ORDER BY "t"."id" LIMIT $1::int4 OFFSET $2::int4',
      [5, 10],
    ],
    ["select id from t offset $1", [3], [20], 'SELECT "t"."id" FROM "t" OFFSET $1::int8', [3]],
    ["select distinct name from t", [], [], 'SELECT DISTINCT "t"."name" FROM "t"', []],
    [
      "select name, count(*), count(distinct id) from t group by name having count(*) > 2",
      [],
      [],
      'SELECT "t"."name", COUNT(*), COUNT(DISTINCT "t"."id") FROM "t" GROUP BY "t"."name" HAVING (COUNT(*) > $1::int4)',
      [2],
    ],
    [
      "select id / 2, f / 2, -id from t",
      [],
      [],
      'SELECT ("t"."id" / $1::int4), ("t"."f" / $2::int4), (- "t"."id") FROM "t"',
      [2, 2],
    ],
    [
      "select name || 'x', concat(name, id) from t",
      [],
      [],
      'SELECT ("t"."name" || $1), CONCAT("t"."name", "t"."id") FROM "t"',
      ["x"],
    ],
    [
      "select greatest(id, 2, null) from t",
      [],
      [],
      'SELECT GREATEST("t"."id", $1::int4, NULL) FROM "t"',
      [2],
    ],
    [
      "select id from t where name like 'a\\_%' and name not ilike '%B%' and name ~ '^x'",
      [],
      [],
      'SELECT "t"."id" FROM "t" WHERE (("t"."name" LIKE $1) AND ("t"."name" NOT ILIKE $2) AND ("t"."name" ~ $3))',
      ["a\\_%", "%B%", "^x"],
    ],
    [
      "select id from t where name is distinct from 'a' and id is not distinct from 2",
      [],
      [],
      'SELECT "t"."id" FROM "t" WHERE (("t"."name" IS DISTINCT FROM $1) AND ("t"."id" IS NOT DISTINCT FROM $2::int4))',
      ["a", 2],
    ],
    [
      "select id from t where ok is true and ok is unknown",
      [],
      [],
      'SELECT "t"."id" FROM "t" WHERE (("t"."ok" IS TRUE) AND ("t"."ok" IS UNKNOWN))',
      [],
    ],
    [
      "select id from t where id between symmetric 9 and 5",
      [],
      [],
      'SELECT "t"."id" FROM "t" WHERE (("t"."id" BETWEEN $1::int4 AND $2::int4) OR ("t"."id" BETWEEN $3::int4 AND $4::int4))',
      [9, 5, 5, 9],
    ],
    [
      "select id from t where id not in (select t_id from u) and exists (select 1 from u where u.t_id = t.id)",
      [],
      [],
      'SELECT "t"."id" FROM "t" WHERE ((NOT ("t"."id" IN (SELECT "u"."t_id" FROM "u"))) AND (EXISTS (SELECT $1::int4 FROM "u" WHERE ("u"."t_id" = "t"."id"))))',
      [1],
    ],
    [
      "select t.id, u.note from t left join u on u.t_id = t.id",
      [],
      [],
      'SELECT "t"."id", "u"."note" FROM "t" LEFT JOIN "u" ON ("u"."t_id" = "t"."id")',
      [],
    ],
    [
      "select s.n from (select name as n from t) s",
      [],
      [],
      'SELECT "s"."n" FROM (SELECT "t"."name" AS "n" FROM "t") AS "s"',
      [],
    ],
    [
      "select name from t union select note from u order by 1 limit 2",
      [],
      [],
      'SELECT "t"."name" FROM "t" UNION SELECT "u"."note" FROM "u" ORDER BY 1 LIMIT $1::int4',
      [2],
    ],
    [
      "with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) select n from r",
      [],
      [],
      'WITH RECURSIVE "r"("n") AS (SELECT $1::int4 UNION ALL SELECT ("r"."n" + $2::int4) FROM "r" WHERE ("r"."n" < $3::int4)) SELECT "r"."n" FROM "r"',
      [1, 1, 3],
    ],
    [
      "select id, row_number() over (partition by name order by id desc) from t",
      [],
      [],
      'SELECT "t"."id", ROW_NUMBER() OVER (PARTITION BY "t"."name" ORDER BY "t"."id" DESC) FROM "t"',
      [],
    ],
    [
      "select string_agg(name, ', ' order by id) from t",
      [],
      [],
      'SELECT STRING_AGG("t"."name", $1 ORDER BY "t"."id") FROM "t"',
      [", "],
    ],
    [
      "select * from (values (1, 'a'), (2, 'b')) v(a, b)",
      [],
      [],
      'SELECT * FROM (VALUES ($1::int4, $2), ($3::int4, $4)) AS "v"("a", "b")',
      [1, "a", 2, "b"],
    ],
    [
      "insert into t (id, name) values (1, 'a'), (2, 'b') returning id",
      [],
      [],
      'INSERT INTO "t" ("id", "name") VALUES ($1::int4, $2), ($3::int4, $4) RETURNING "t"."id"',
      [1, "a", 2, "b"],
    ],
    [
      "insert into t (id, name) values (1, 'a') on conflict (id) do update set name = excluded.name",
      [],
      [],
      'INSERT INTO "t" ("id", "name") VALUES ($1::int4, $2) ON CONFLICT ("id") DO UPDATE SET "name" = "excluded"."name"',
      [1, "a"],
    ],
    [
      "update t set name = u.note from u where u.t_id = t.id",
      [],
      [],
      'UPDATE "t" SET "name" = "u"."note" FROM "u" WHERE ("u"."t_id" = "t"."id")',
      [],
    ],
    [
      "delete from t where id = 1 returning id",
      [],
      [],
      'DELETE FROM "t" WHERE ("t"."id" = $1::int4) RETURNING "t"."id"',
      [1],
    ],
  ]);
  refuses(
    postgresCompiler,
    "select * from other.t",
    'relation "other.t" of another schema cannot be pushed down to postgres service "svc"',
  );
  refuses(postgresCompiler, "select x from t", "column x does not exist", "42703");
  refuses(postgresCompiler, "select * from nope", 'relation "svc.nope" does not exist', "42P01");
  refuses(
    postgresCompiler,
    "select distinct on (name) id from t",
    'DISTINCT ON cannot be pushed down to postgres service "svc"',
  );
  refuses(
    postgresCompiler,
    "select id from t for update",
    'FOR UPDATE/SHARE cannot be pushed down to postgres service "svc"',
  );
  refuses(
    postgresCompiler,
    "select id from t where name similar to 'a%'",
    'SIMILAR TO cannot be pushed down to postgres service "svc"',
  );
  refuses(
    postgresCompiler,
    "select id from t order by id fetch first 2 rows with ties",
    'FETCH … WITH TIES cannot be pushed down to postgres service "svc"',
  );
  test("native schema qualifies tables", () => {
    const q = compile(postgresCompiler, "select id from t", [], [], "app");
    assert.equal(q.text, 'SELECT "t"."id" FROM "app"."t"');
  });
});

describe("mysql dialect", () => {
  run(mysqlCompiler, [
    [
      "select id, name from svc.t",
      [],
      [],
      "SELECT `t`.`id` AS `id`, (`t`.`name` COLLATE utf8mb4_nopad_bin) AS `name` FROM `t`",
      [],
    ],
    [
      "select * from t where id = 1",
      [],
      [],
      "SELECT `t`.`id` AS `id`, (`t`.`name` COLLATE utf8mb4_nopad_bin) AS `name`, `t`.`price` AS `price`, `t`.`d` AS `d`, `t`.`ts` AS `ts`, `t`.`ok` AS `ok`, `t`.`f` AS `f` FROM `t` WHERE (`t`.`id` = ?)",
      [1],
    ],
    [
      'select name as "Na""me" from t order by name',
      [],
      [],
      'SELECT (`t`.`name` COLLATE utf8mb4_nopad_bin) AS `Na"me` FROM `t` ORDER BY (`t`.`name` COLLATE utf8mb4_nopad_bin) IS NULL, (`t`.`name` COLLATE utf8mb4_nopad_bin)',
      [],
    ],
    [
      'select * from "we""ird`"',
      [],
      [],
      'SELECT (`we"ird```.`Mixed Col` COLLATE utf8mb4_nopad_bin) AS `Mixed Col` FROM `we"ird```',
      [],
    ],
    [
      "select id from t where name = 'it''s \\ 😀' and name <> E'a\\nb'",
      [],
      [],
      "SELECT `t`.`id` AS `id` FROM `t` WHERE (((`t`.`name` COLLATE utf8mb4_nopad_bin) = ?) AND ((`t`.`name` COLLATE utf8mb4_nopad_bin) <> ?))",
      ["it's \\ 😀", "a\nb"],
    ],
    [
      "select id from t where price > 1.50 and f < 2.5e-1 and ok = true and d = date '2024-02-29'",
      [],
      [],
      "SELECT `t`.`id` AS `id` FROM `t` WHERE ((`t`.`price` > CAST(? AS DECIMAL(65,2))) AND (`t`.`f` < CAST(? AS DECIMAL(65,2))) AND (`t`.`ok` = ?) AND (`t`.`d` = CAST(? AS DATE)))",
      ["1.50", "0.25", 1, "2024-02-29"],
    ],
    [
      "select id from t where ts >= timestamp '2024-01-02 03:04:05.120'",
      [],
      [],
      "SELECT `t`.`id` AS `id` FROM `t` WHERE (`t`.`ts` >= CAST(? AS DATETIME(6)))",
      ["2024-01-02 03:04:05.12"],
    ],
    [
      "select id from t where id = $1 and name = $2 or id = $1",
      [7, "é"],
      [23, 25],
      "SELECT `t`.`id` AS `id` FROM `t` WHERE (((`t`.`id` = ?) AND ((`t`.`name` COLLATE utf8mb4_nopad_bin) = ?)) OR (`t`.`id` = ?))",
      [7, "é", 7],
    ],
    [
      "select id from t where id = any($1)",
      [[1, 2]],
      [1007],
      "SELECT `t`.`id` AS `id` FROM `t` WHERE (`t`.`id` IN (?, ?))",
      [1, 2],
    ],
    [
      "select id from t order by name desc nulls last, id nulls first, price",
      [],
      [],
      "SELECT `t`.`id` AS `id` FROM `t` ORDER BY (`t`.`name` COLLATE utf8mb4_nopad_bin) DESC, `t`.`id`, `t`.`price` IS NULL, `t`.`price`",
      [],
    ],
    [
      "select id from t order by 1 limit 5 offset 10",
      [],
      [],
      "SELECT `t`.`id` AS `id` FROM `t` ORDER BY `t`.`id` IS NULL, `t`.`id` LIMIT ? OFFSET ?",
      [5, 10],
    ],
    [
      "select id from t offset $1",
      [3],
      [20],
      "SELECT `t`.`id` AS `id` FROM `t` LIMIT 18446744073709551615 OFFSET ?",
      [3],
    ],
    [
      "select distinct name from t",
      [],
      [],
      "SELECT DISTINCT (`t`.`name` COLLATE utf8mb4_nopad_bin) AS `name` FROM `t`",
      [],
    ],
    [
      "select name, count(*), count(distinct id) from t group by name having count(*) > 2",
      [],
      [],
      "SELECT (`t`.`name` COLLATE utf8mb4_nopad_bin) AS `name`, COUNT(*) AS `count`, COUNT(DISTINCT `t`.`id`) AS `count` FROM `t` GROUP BY (`t`.`name` COLLATE utf8mb4_nopad_bin) HAVING (COUNT(*) > ?)",
      [2],
    ],
    [
      "select id / 2, f / 2, -id from t",
      [],
      [],
      "SELECT (`t`.`id` DIV ?) AS `?column?`, (`t`.`f` / ?) AS `?column?`, (- `t`.`id`) AS `?column?` FROM `t`",
      [2, 2],
    ],
    [
      "select name || 'x', concat(name, id) from t",
      [],
      [],
      "SELECT CONCAT((`t`.`name` COLLATE utf8mb4_nopad_bin), ?) AS `?column?`, CONCAT_WS('', (`t`.`name` COLLATE utf8mb4_nopad_bin), `t`.`id`) AS `concat` FROM `t`",
      ["x"],
    ],
    [
      "select greatest(id, 2, null) from t",
      [],
      [],
      "SELECT GREATEST(COALESCE(`t`.`id`, ?, NULL), COALESCE(?, `t`.`id`, NULL), COALESCE(NULL, `t`.`id`, ?)) AS `greatest` FROM `t`",
      [2, 2, 2],
    ],
    [
      "select id from t where name like 'a\\_%' and name not ilike '%B%' and name ~ '^x'",
      [],
      [],
      "SELECT `t`.`id` AS `id` FROM `t` WHERE (((`t`.`name` COLLATE utf8mb4_nopad_bin) LIKE ?) AND (LOWER((`t`.`name` COLLATE utf8mb4_nopad_bin)) NOT LIKE LOWER(?)) AND ((`t`.`name` COLLATE utf8mb4_nopad_bin) REGEXP ?))",
      ["a\\_%", "%B%", "^x"],
    ],
    [
      "select id from t where name is distinct from 'a' and id is not distinct from 2",
      [],
      [],
      "SELECT `t`.`id` AS `id` FROM `t` WHERE ((NOT ((`t`.`name` COLLATE utf8mb4_nopad_bin) <=> ?)) AND (`t`.`id` <=> ?))",
      ["a", 2],
    ],
    [
      "select id from t where ok is true and ok is unknown",
      [],
      [],
      "SELECT `t`.`id` AS `id` FROM `t` WHERE ((`t`.`ok` IS TRUE) AND (`t`.`ok` IS NULL))",
      [],
    ],
    [
      "select id from t where id between symmetric 9 and 5",
      [],
      [],
      "SELECT `t`.`id` AS `id` FROM `t` WHERE ((`t`.`id` BETWEEN ? AND ?) OR (`t`.`id` BETWEEN ? AND ?))",
      [9, 5, 5, 9],
    ],
    [
      "select id from t where id not in (select t_id from u) and exists (select 1 from u where u.t_id = t.id)",
      [],
      [],
      "SELECT `t`.`id` AS `id` FROM `t` WHERE ((NOT (`t`.`id` IN (SELECT `u`.`t_id` AS `t_id` FROM `u`))) AND (EXISTS (SELECT ? AS `?column?` FROM `u` WHERE (`u`.`t_id` = `t`.`id`))))",
      [1],
    ],
    [
      "select t.id, u.note from t left join u on u.t_id = t.id",
      [],
      [],
      "SELECT `t`.`id` AS `id`, (`u`.`note` COLLATE utf8mb4_nopad_bin) AS `note` FROM `t` LEFT JOIN `u` ON (`u`.`t_id` = `t`.`id`)",
      [],
    ],
    [
      "select s.n from (select name as n from t) s",
      [],
      [],
      "SELECT (`s`.`n` COLLATE utf8mb4_nopad_bin) AS `n` FROM (SELECT (`t`.`name` COLLATE utf8mb4_nopad_bin) AS `n` FROM `t`) AS `s`",
      [],
    ],
    [
      "select name from t union select note from u order by 1 limit 2",
      [],
      [],
      "SELECT * FROM (SELECT (`t`.`name` COLLATE utf8mb4_nopad_bin) AS `name` FROM `t` UNION SELECT (`u`.`note` COLLATE utf8mb4_nopad_bin) AS `note` FROM `u`) AS `_w` ORDER BY (`_w`.`name` COLLATE utf8mb4_nopad_bin) IS NULL, (`_w`.`name` COLLATE utf8mb4_nopad_bin) LIMIT ?",
      [2],
    ],
    [
      "with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) select n from r",
      [],
      [],
      "WITH RECURSIVE `r`(`n`) AS (SELECT ? AS `?column?` UNION ALL SELECT (`r`.`n` + ?) AS `?column?` FROM `r` WHERE (`r`.`n` < ?)) SELECT `r`.`n` AS `n` FROM `r`",
      [1, 1, 3],
    ],
    [
      "select id, row_number() over (partition by name order by id desc) from t",
      [],
      [],
      "SELECT `t`.`id` AS `id`, ROW_NUMBER() OVER (PARTITION BY (`t`.`name` COLLATE utf8mb4_nopad_bin) ORDER BY `t`.`id` IS NULL DESC, `t`.`id` DESC) AS `row_number` FROM `t`",
      [],
    ],
    [
      "select string_agg(name, ', ' order by id) from t",
      [],
      [],
      "SELECT GROUP_CONCAT((`t`.`name` COLLATE utf8mb4_nopad_bin) ORDER BY `t`.`id` IS NULL, `t`.`id` SEPARATOR ', ') AS `string_agg` FROM `t`",
      [],
    ],
    [
      "select * from (values (1, 'a'), (2, 'b')) v(a, b)",
      [],
      [],
      "SELECT `v`.`a` AS `a`, `v`.`b` AS `b` FROM (SELECT ? AS `a`, ? AS `b` UNION ALL SELECT ? AS `a`, ? AS `b`) AS `v`",
      [1, "a", 2, "b"],
    ],
    [
      "insert into t (id, name) values (1, 'a'), (2, 'b') returning id",
      [],
      [],
      "INSERT INTO `t` (`id`, `name`) VALUES (?, ?), (?, ?) RETURNING `t`.`id` AS `id`",
      [1, "a", 2, "b"],
    ],
    [
      "insert into t (id, name) values (1, 'a') on conflict (id) do update set name = excluded.name",
      [],
      [],
      "INSERT INTO `t` (`id`, `name`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `name` = VALUES(`name`)",
      [1, "a"],
    ],
    [
      "update t set name = u.note from u where u.t_id = t.id",
      [],
      [],
      "UPDATE `t`, `u` SET `t`.`name` = (`u`.`note` COLLATE utf8mb4_nopad_bin) WHERE (`u`.`t_id` = `t`.`id`)",
      [],
    ],
    [
      "delete from t where id = 1 returning id",
      [],
      [],
      "DELETE FROM `t` WHERE (`t`.`id` = ?) RETURNING `t`.`id` AS `id`",
      [1],
    ],
  ]);
  refuses(
    mysqlCompiler,
    "select * from other.t",
    'relation "other.t" of another schema cannot be pushed down to mysql service "svc"',
  );
  refuses(mysqlCompiler, "select x from t", "column x does not exist", "42703");
  refuses(mysqlCompiler, "select * from nope", 'relation "svc.nope" does not exist', "42P01");
  refuses(
    mysqlCompiler,
    "select distinct on (name) id from t",
    'DISTINCT ON cannot be pushed down to mysql service "svc"',
  );
  refuses(
    mysqlCompiler,
    "select id from t for update",
    'FOR UPDATE/SHARE cannot be pushed down to mysql service "svc"',
  );
  refuses(
    mysqlCompiler,
    "select id from t where name similar to 'a%'",
    'SIMILAR TO cannot be pushed down to mysql service "svc"',
  );
  refuses(
    mysqlCompiler,
    "select t.id from t full join u on true",
    'FULL JOIN cannot be pushed down to mysql service "svc"',
  );
  refuses(
    mysqlCompiler,
    "update t set name = 'x' returning id",
    'UPDATE … RETURNING cannot be pushed down to mysql service "svc"',
  );
  refuses(
    mysqlCompiler,
    "select avg(id) from t",
    'avg over int cannot be pushed down to mysql service "svc"',
  );
  refuses(
    mysqlCompiler,
    "select price / 2 from t",
    'numeric division cannot be pushed down to mysql service "svc"',
  );
  refuses(
    mysqlCompiler,
    "select split_part(name, ',', 2) from t",
    'split_part cannot be pushed down to mysql service "svc"',
  );
  refuses(
    mysqlCompiler,
    "select substr(name, 0, 2) from t",
    'substr with a non-constant or non-positive start cannot be pushed down to mysql service "svc"',
  );
  refuses(
    mysqlCompiler,
    "select string_agg(name, '#') from t",
    'string_agg with this separator cannot be pushed down to mysql service "svc"',
  );
  refuses(
    mysqlCompiler,
    "select d + 1 from t",
    'date/time arithmetic (+) cannot be pushed down to mysql service "svc"',
  );
});

describe("sqlite dialect", () => {
  run(sqliteCompiler, [
    ["select id, name from svc.t", [], [], 'SELECT "t"."id" AS "id", "t"."name" AS "name" FROM "t"', []],
    [
      "select * from t where id = 1",
      [],
      [],
      'SELECT "t"."id" AS "id", "t"."name" AS "name", "t"."price" AS "price", "t"."d" AS "d", "t"."ts" AS "ts", "t"."ok" AS "ok", "t"."f" AS "f" FROM "t" WHERE ("t"."id" = ?)',
      [1n],
    ],
    [
      'select name as "Na""me" from t order by name',
      [],
      [],
      'SELECT "t"."name" AS "Na""me" FROM "t" ORDER BY "t"."name" NULLS LAST',
      [],
    ],
    ['select * from "we""ird`"', [], [], 'SELECT "we""ird`"."Mixed Col" AS "Mixed Col" FROM "we""ird`"', []],
    [
      "select id from t where name = 'it''s \\ 😀' and name <> E'a\\nb'",
      [],
      [],
      'SELECT "t"."id" AS "id" FROM "t" WHERE (("t"."name" = ?) AND ("t"."name" <> ?))',
      ["it's \\ 😀", "a\nb"],
    ],
    [
      "select id from t where price > 1.50 and f < 2.5e-1 and ok = true and d = date '2024-02-29'",
      [],
      [],
      'SELECT "t"."id" AS "id" FROM "t" WHERE (("t"."price" > ?) AND ("t"."f" < ?) AND ("t"."ok" = ?) AND ("t"."d" = ?))',
      ["1.50", "0.25", 1, "2024-02-29"],
    ],
    [
      "select id from t where ts >= timestamp '2024-01-02 03:04:05.120'",
      [],
      [],
      'SELECT "t"."id" AS "id" FROM "t" WHERE ("t"."ts" >= ?)',
      ["2024-01-02 03:04:05.12"],
    ],
    [
      "select id from t where id = $1 and name = $2 or id = $1",
      [7, "é"],
      [23, 25],
      'SELECT "t"."id" AS "id" FROM "t" WHERE ((("t"."id" = ?) AND ("t"."name" = ?)) OR ("t"."id" = ?))',
      [7n, "é", 7n],
    ],
    [
      "select id from t where id = any($1)",
      [[1, 2]],
      [1007],
      'SELECT "t"."id" AS "id" FROM "t" WHERE ("t"."id" IN (?, ?))',
      [1n, 2n],
    ],
    [
      "select id from t order by name desc nulls last, id nulls first, price",
      [],
      [],
      'SELECT "t"."id" AS "id" FROM "t" ORDER BY "t"."name" DESC NULLS LAST, "t"."id" NULLS FIRST, "t"."price" NULLS LAST',
      [],
    ],
    [
      "select id from t order by 1 limit 5 offset 10",
      [],
      [],
      'SELECT "t"."id" AS "id" FROM "t" ORDER BY "t"."id" NULLS LAST LIMIT ? OFFSET ?',
      [5n, 10n],
    ],
    ["select id from t offset $1", [3], [20], 'SELECT "t"."id" AS "id" FROM "t" LIMIT -1 OFFSET ?', [3n]],
    ["select distinct name from t", [], [], 'SELECT DISTINCT "t"."name" AS "name" FROM "t"', []],
    [
      "select name, count(*), count(distinct id) from t group by name having count(*) > 2",
      [],
      [],
      'SELECT "t"."name" AS "name", COUNT(*) AS "count", COUNT(DISTINCT "t"."id") AS "count" FROM "t" GROUP BY "t"."name" HAVING (COUNT(*) > ?)',
      [2n],
    ],
    [
      "select id / 2, f / 2, -id from t",
      [],
      [],
      'SELECT ("t"."id" / ?) AS "?column?", ("t"."f" / ?) AS "?column?", (- "t"."id") AS "?column?" FROM "t"',
      [2n, 2n],
    ],
    [
      "select name || 'x', concat(name, id) from t",
      [],
      [],
      'SELECT ("t"."name" || ?) AS "?column?", concat("t"."name", "t"."id") AS "concat" FROM "t"',
      ["x"],
    ],
    [
      "select greatest(id, 2, null) from t",
      [],
      [],
      'SELECT MAX(COALESCE("t"."id", ?, NULL), COALESCE(?, "t"."id", NULL), COALESCE(NULL, "t"."id", ?)) AS "greatest" FROM "t"',
      [2n, 2n, 2n],
    ],
    [
      "select id from t where name like 'a\\_%' and name not ilike '%B%' and name ~ '^x'",
      [],
      [],
      'SELECT "t"."id" AS "id" FROM "t" WHERE (("t"."name" LIKE ? ESCAPE \'\\\') AND (NOT pg_ilike("t"."name", ?)) AND (pg_regex_match("t"."name", ?, 0)))',
      ["a\\_%", "%B%", "^x"],
    ],
    [
      "select id from t where name is distinct from 'a' and id is not distinct from 2",
      [],
      [],
      'SELECT "t"."id" AS "id" FROM "t" WHERE (("t"."name" IS NOT ?) AND ("t"."id" IS ?))',
      ["a", 2n],
    ],
    [
      "select id from t where ok is true and ok is unknown",
      [],
      [],
      'SELECT "t"."id" AS "id" FROM "t" WHERE (("t"."ok" IS TRUE) AND ("t"."ok" IS NULL))',
      [],
    ],
    [
      "select id from t where id between symmetric 9 and 5",
      [],
      [],
      'SELECT "t"."id" AS "id" FROM "t" WHERE (("t"."id" BETWEEN ? AND ?) OR ("t"."id" BETWEEN ? AND ?))',
      [9n, 5n, 5n, 9n],
    ],
    [
      "select id from t where id not in (select t_id from u) and exists (select 1 from u where u.t_id = t.id)",
      [],
      [],
      'SELECT "t"."id" AS "id" FROM "t" WHERE ((NOT ("t"."id" IN (SELECT "u"."t_id" AS "t_id" FROM "u"))) AND (EXISTS (SELECT ? AS "?column?" FROM "u" WHERE ("u"."t_id" = "t"."id"))))',
      [1n],
    ],
    [
      "select t.id, u.note from t left join u on u.t_id = t.id",
      [],
      [],
      'SELECT "t"."id" AS "id", "u"."note" AS "note" FROM "t" LEFT JOIN "u" ON ("u"."t_id" = "t"."id")',
      [],
    ],
    [
      "select s.n from (select name as n from t) s",
      [],
      [],
      'SELECT "s"."n" AS "n" FROM (SELECT "t"."name" AS "n" FROM "t") AS "s"',
      [],
    ],
    [
      "select name from t union select note from u order by 1 limit 2",
      [],
      [],
      'SELECT * FROM (SELECT "t"."name" AS "name" FROM "t" UNION SELECT "u"."note" AS "note" FROM "u") AS "_w" ORDER BY "_w"."name" NULLS LAST LIMIT ?',
      [2n],
    ],
    [
      "with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) select n from r",
      [],
      [],
      'WITH RECURSIVE "r"("n") AS (SELECT ? AS "?column?" UNION ALL SELECT ("r"."n" + ?) AS "?column?" FROM "r" WHERE ("r"."n" < ?)) SELECT "r"."n" AS "n" FROM "r"',
      [1n, 1n, 3n],
    ],
    [
      "select id, row_number() over (partition by name order by id desc) from t",
      [],
      [],
      'SELECT "t"."id" AS "id", ROW_NUMBER() OVER (PARTITION BY "t"."name" ORDER BY "t"."id" DESC NULLS FIRST) AS "row_number" FROM "t"',
      [],
    ],
    [
      "select string_agg(name, ', ' order by id) from t",
      [],
      [],
      'SELECT string_agg("t"."name", ? ORDER BY "t"."id" NULLS LAST) AS "string_agg" FROM "t"',
      [", "],
    ],
    [
      "select * from (values (1, 'a'), (2, 'b')) v(a, b)",
      [],
      [],
      'SELECT "v"."a" AS "a", "v"."b" AS "b" FROM (SELECT ? AS "a", ? AS "b" UNION ALL SELECT ? AS "a", ? AS "b") AS "v"',
      [1n, "a", 2n, "b"],
    ],
    [
      "insert into t (id, name) values (1, 'a'), (2, 'b') returning id",
      [],
      [],
      'INSERT INTO "t" ("id", "name") VALUES (?, ?), (?, ?) RETURNING "t"."id" AS "id"',
      [1n, "a", 2n, "b"],
    ],
    [
      "insert into t (id, name) values (1, 'a') on conflict (id) do update set name = excluded.name",
      [],
      [],
      'INSERT INTO "t" ("id", "name") VALUES (?, ?) ON CONFLICT ("id") DO UPDATE SET "name" = "excluded"."name"',
      [1n, "a"],
    ],
    [
      "update t set name = u.note from u where u.t_id = t.id",
      [],
      [],
      'UPDATE "t" SET "name" = "u"."note" FROM "u" WHERE ("u"."t_id" = "t"."id")',
      [],
    ],
    [
      "delete from t where id = 1 returning id",
      [],
      [],
      'DELETE FROM "t" WHERE ("t"."id" = ?) RETURNING "t"."id" AS "id"',
      [1n],
    ],
  ]);
  refuses(
    sqliteCompiler,
    "select * from other.t",
    'relation "other.t" of another schema cannot be pushed down to sqlite service "svc"',
  );
  refuses(sqliteCompiler, "select x from t", "column x does not exist", "42703");
  refuses(sqliteCompiler, "select * from nope", 'relation "svc.nope" does not exist', "42P01");
  refuses(
    sqliteCompiler,
    "select distinct on (name) id from t",
    'DISTINCT ON cannot be pushed down to sqlite service "svc"',
  );
  refuses(
    sqliteCompiler,
    "select id from t for update",
    'FOR UPDATE/SHARE cannot be pushed down to sqlite service "svc"',
  );
  refuses(
    sqliteCompiler,
    "select id from t where name similar to 'a%'",
    'SIMILAR TO cannot be pushed down to sqlite service "svc"',
  );
  refuses(
    sqliteCompiler,
    "select id from t intersect all select id from u",
    'INTERSECT ALL cannot be pushed down to sqlite service "svc"',
  );
  refuses(
    sqliteCompiler,
    "select sum(price) from t",
    'sum over numeric cannot be pushed down to sqlite service "svc"',
  );
  refuses(
    sqliteCompiler,
    "update t set price = price + 1",
    'numeric arithmetic (+) cannot be pushed down to sqlite service "svc"',
  );
  refuses(
    sqliteCompiler,
    "delete from t using u where u.t_id = t.id",
    'DELETE … USING cannot be pushed down to sqlite service "svc"',
  );
  refuses(
    sqliteCompiler,
    "insert into t (id, name) values (1, 'a'), (2, default)",
    'DEFAULT mixed with values in one column cannot be pushed down to sqlite service "svc"',
  );
  refuses(
    sqliteCompiler,
    "select round(f) from t",
    'round over double precision cannot be pushed down to sqlite service "svc"',
  );
});

// Postgres raises 22012 for a zero divisor; the other backends answer NULL unless guarded.
describe("division and remainder by zero", () => {
  const guard = (l: string, op: string, r: string) =>
    `COALESCE((${l} ${op} ${r}), CASE WHEN EXP(1000 + 0 * ${l} + ${r}) THEN NULL END)`;
  run(mysqlCompiler, [
    [
      "select id / t_id, id % t_id, mod(id, t_id) from u",
      [],
      [],
      `SELECT ${guard("`u`.`id`", "DIV", "`u`.`t_id`")} AS \`?column?\`, ${guard("`u`.`id`", "%", "`u`.`t_id`")} AS \`?column?\`, ${guard("`u`.`id`", "%", "`u`.`t_id`")} AS \`mod\` FROM \`u\``,
      [],
    ],
    [
      "select id / 0, f / id from t",
      [],
      [],
      `SELECT ${guard("`t`.`id`", "DIV", "?")} AS \`?column?\`, ${guard("`t`.`f`", "/", "`t`.`id`")} AS \`?column?\` FROM \`t\``,
      [0, 0],
    ],
    [
      // a parameter's value is known per execution: non-zero needs no guard, zero keeps it
      "select id / $1, id % $2 from t",
      [3, 0],
      [23, 23],
      `SELECT (\`t\`.\`id\` DIV ?) AS \`?column?\`, ${guard("`t`.`id`", "%", "?")} AS \`?column?\` FROM \`t\``,
      [3, 0, 0],
    ],
    [
      "select id from t where id / (id - 1) > 1 order by f / id",
      [],
      [],
      `SELECT \`t\`.\`id\` AS \`id\` FROM \`t\` WHERE (${guard("`t`.`id`", "DIV", "(`t`.`id` - ?)")} > ?) ORDER BY ${guard("`t`.`f`", "/", "`t`.`id`")} IS NULL, ${guard("`t`.`f`", "/", "`t`.`id`")}`,
      [1, 1, 1],
    ],
    [
      "update t set id = id % t.id where id / 2 > 0",
      [],
      [],
      `UPDATE \`t\` SET \`id\` = ${guard("`t`.`id`", "%", "`t`.`id`")} WHERE ((\`t\`.\`id\` DIV ?) > ?)`,
      [2, 0],
    ],
    [
      "select id % -3, mod(id, 2), f / '0.5'::float8 from t",
      [],
      [],
      "SELECT (`t`.`id` % ?) AS `?column?`, (`t`.`id` % ?) AS `mod`, (`t`.`f` / ?) AS `?column?` FROM `t`",
      [-3, 2, 0.5],
    ],
  ]);
  run(sqliteCompiler, [
    [
      "select id / t_id, id % t_id, mod(id, t_id) from u",
      [],
      [],
      'SELECT pg_div("u"."id", "u"."t_id") AS "?column?", pg_mod("u"."id", "u"."t_id") AS "?column?", pg_mod("u"."id", "u"."t_id") AS "mod" FROM "u"',
      [],
    ],
    [
      "select id / 0, f / id from t",
      [],
      [],
      'SELECT pg_div("t"."id", ?) AS "?column?", pg_div("t"."f", "t"."id") AS "?column?" FROM "t"',
      [0n],
    ],
    [
      "select id / $1, id % $2 from t",
      [3, 0],
      [23, 23],
      'SELECT ("t"."id" / ?) AS "?column?", pg_mod("t"."id", ?) AS "?column?" FROM "t"',
      [3n, 0n],
    ],
    [
      "select id from t where id / (id - 1) > 1 having sum(id % 2) > 0 order by f / id",
      [],
      [],
      'SELECT "t"."id" AS "id" FROM "t" WHERE (pg_div("t"."id", ("t"."id" - ?)) > ?) HAVING (SUM(("t"."id" % ?)) > ?) ORDER BY pg_div("t"."f", "t"."id") NULLS LAST',
      [1n, 1n, 2n, 0n],
    ],
    [
      "update t set id = id % t.id where id / 2 > 0",
      [],
      [],
      'UPDATE "t" SET "id" = pg_mod("t"."id", "t"."id") WHERE (("t"."id" / ?) > ?)',
      [2n, 0n],
    ],
  ]);
  test("postgres keeps its own operators", () => {
    const q = compile(postgresCompiler, "select id / t_id, id % t_id, mod(id, t_id) from u");
    assert.equal(
      q.text,
      'SELECT ("u"."id" / "u"."t_id"), ("u"."id" % "u"."t_id"), MOD("u"."id", "u"."t_id") FROM "u"',
    );
  });
});
