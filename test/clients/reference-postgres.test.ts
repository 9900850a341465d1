/**
 * Every client check against a real PostgreSQL holding the demo's tables: proves the checks encode
 * what Postgres does (the behaviour Weft must reproduce), independently of Weft itself.
 */
import { describe } from "node:test";
import { nodePgChecks } from "./checks/node-pg.ts";
import { postgresJsChecks } from "./checks/postgres-js.ts";
import { jdbcChecks, psycopg2Checks, sqlalchemyChecks } from "./checks/programs.ts";
import { psqlChecks } from "./checks/psql.ts";
import { describeOnReferencePostgres } from "./checks/reference-postgres.ts";

describeOnReferencePostgres("client checks against a reference PostgreSQL", (target) => {
  describe("psql", () => psqlChecks(target));
  describe("node-postgres", () => nodePgChecks(target));
  describe("postgres.js", () => postgresJsChecks(target));
  describe("pgjdbc", () => jdbcChecks(target));
  describe("psycopg2", () => psycopg2Checks(target));
  describe("SQLAlchemy", () => sqlalchemyChecks(target));
});
