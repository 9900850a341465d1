import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { PgError } from "../../../src/common/pg-error.ts";
import { type RelationResolver, type Route, routeStatement } from "../../../src/session/route.ts";
import { initParser, parseSql } from "../../../src/sql/parse.ts";

// Two services: hr (employees, departments) and crm (contact); search_path "hr, public".
const tables: Record<string, string[]> = { hr: ["employees", "departments"], crm: ["contact"] };
const resolver: RelationResolver = {
  isService: (schema) => schema in tables,
  serviceForUnqualified: (table) => (tables.hr.includes(table) ? "hr" : null),
};

function route(sql: string): Route {
  const [stmt] = parseSql(sql);
  return routeStatement(stmt.ast, resolver);
}

function refused(sql: string, code: string, message: RegExp): void {
  assert.throws(
    () => route(sql),
    (err: unknown) => err instanceof PgError && err.code === code && message.test(err.message),
  );
}

before(() => initParser());

describe("statement routing", () => {
  test("a statement naming a service table goes to that service, never to the mirror", () => {
    const cases: [string, string][] = [
      ["select * from hr.employees", "hr"],
      ["select * from employees", "hr"],
      ["select count(*) from crm.contact c where c.id > 3", "crm"],
      ["select (select max(emp_no) from hr.employees)", "hr"],
      ["select 1 where exists (select 1 from hr.departments)", "hr"],
      ["with e as (select * from hr.employees) select * from e", "hr"],
      ["select * from hr.employees e join hr.departments d using (dept_no)", "hr"],
      ["insert into hr.departments values ('d99', 'New')", "hr"],
      ["update crm.contact set email = null where id = 1", "crm"],
      ["delete from hr.employees where emp_no = $1", "hr"],
      ["select * from (select emp_no from hr.employees) s", "hr"],
    ];
    for (const [sql, service] of cases) {
      const r = route(sql);
      assert.equal(r.kind, "service", sql);
      assert.equal(r.kind === "service" && r.service, service, sql);
    }
  });

  test("writes and reads are told apart", () => {
    const r1 = route("select * from hr.employees");
    const r2 = route("insert into hr.departments values ('d1', 'x')");
    const r3 = route("select * from hr.employees for update");
    assert.ok(r1.kind === "service" && !r1.write && r1.verb === "SELECT");
    assert.ok(r2.kind === "service" && r2.write && r2.verb === "INSERT");
    assert.ok(r3.kind === "service" && r3.write);
  });

  test("catalog and table-less statements go to the mirror", () => {
    for (const sql of [
      "select version()",
      "select current_setting('search_path')",
      "select * from pg_catalog.pg_class",
      "select n.nspname from pg_namespace n",
      "select * from information_schema.tables where table_schema = 'hr'",
      "show search_path",
      "select 1",
      "with x as (select 1 as a) select * from x",
    ]) {
      assert.equal(route(sql).kind, "mirror", sql);
    }
  });

  test("an unqualified name not on a service's search path is the mirror's to resolve", () => {
    assert.equal(route("select * from contact").kind, "mirror");
  });

  test("pg_sleep without tables runs in the session, cancellable", () => {
    assert.equal(route("select pg_sleep(1)").kind, "sleep");
  });

  test("a SELECT over several services goes to the cross-service planner; a write over several is refused", () => {
    const join = route("select * from hr.employees e join crm.contact c on c.id = e.emp_no");
    assert.deepEqual(join, { kind: "federated", services: ["hr", "crm"] });
    const semi = route("select * from hr.employees where emp_no in (select id from crm.contact)");
    assert.equal(semi.kind, "federated");
    refused(
      "delete from hr.employees where emp_no in (select id from crm.contact)",
      "0A000",
      /one service only/,
    );
    refused(
      "select * from hr.employees e join crm.contact c on c.id = e.emp_no for update",
      "0A000",
      /one service only/,
    );
  });

  test("service and catalog tables cannot be mixed", () => {
    refused("select * from hr.employees, pg_class", "0A000", /system catalog/);
  });

  test("writes to the catalog and DDL are refused with 0A000", () => {
    refused("insert into pg_catalog.pg_am values (1)", "0A000", /only supported on tables of a service/);
    refused("create table hr.t (a int)", "0A000", /not supported/);
    refused("copy hr.employees to stdout", "0A000", /not supported/);
  });

  test("utility statements are recognised", () => {
    assert.equal(route("begin").kind, "transaction");
    assert.equal(route("set datestyle = 'iso, dmy'").kind, "set");
    assert.equal(route("discard all").kind, "discard-all");
    assert.equal(route("deallocate all").kind, "deallocate");
    assert.equal(route("close all").kind, "close-cursor");
    assert.deepEqual(route("unlisten *"), { kind: "noop", tag: "UNLISTEN" });
    const declared = route("declare c cursor for select * from hr.employees");
    assert.ok(declared.kind === "declare" && declared.inner.kind === "service");
    const explained = route("explain select * from crm.contact");
    assert.ok(explained.kind === "explain" && explained.inner.kind === "service");
  });
});
