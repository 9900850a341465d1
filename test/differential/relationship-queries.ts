/**
 * Corpus queries over the relationship columns declared in relationships.ts. Weft reads the
 * relationship column; the oracle (all tables in one PostgreSQL) spells out its documented meaning:
 * belongs_to = `row_to_json` of the one related row or NULL (a second match is 21000, as a scalar
 * subquery's); has_many = `json_agg(row_to_json(..) order by <primary key>)`, `[]` when none;
 * many_many = the same over the target rows whose key is IN the junction rows' keys (a target
 * once however many junction rows reach it).
 * The todo id window leaves out todos whose contact name is duplicated at the default scale and
 * seed (other seeds may hit one: both sides then fail with 21000 alike, which still compares).
 */
import type { DifferentialQuery } from "./harness.ts";

const contactOf = (t: string) =>
  `(select row_to_json(c) from crm.contact c where c.display_name = ${t}.assigned_to)`;
const todoWindow = "t.id <= 400 and t.id not in (10, 18, 92, 234, 342)";
const employeesOf = (d: string) =>
  `coalesce((select json_agg(row_to_json(e) order by e.emp_no) from hr.employees e where e.dept_no = ${d}.dept_no), '[]'::json)`;
const salariesOf = (e: string) =>
  `coalesce((select json_agg(row_to_json(s) order by s.emp_no, s.from_date) from crm.salaries s where s.emp_no = ${e}.emp_no), '[]'::json)`;
const projectsOf = (e: string) =>
  `coalesce((select json_agg(row_to_json(p) order by p.project_id) from crm.project p where p.project_id in (select a.project_id from ops.assignment a where a.emp_no = ${e}.emp_no)), '[]'::json)`;
const leadOf = (p: string) => `(select row_to_json(e) from hr.employees e where e.emp_no = ${p}.lead_emp_no)`;

export const relationshipQueries: readonly DifferentialQuery[] = [
  {
    id: "x-rel-belongs-to-string-key",
    covers:
      "belongs_to hr.todo → crm.contact on a varchar key: quotes, non-ASCII, trailing spaces, case variants, orphans, NULL keys",
    sql: `select t.id, t.assigned_to, t."crm.contact_by_assigned_to" from hr.todo t where ${todoWindow} order by t.id`,
    oracleSql: `select t.id, t.assigned_to, ${contactOf("t")} as "crm.contact_by_assigned_to" from hr.todo t where ${todoWindow} order by t.id`,
  },
  {
    id: "x-rel-belongs-to-duplicate-key",
    covers: "belongs_to over a duplicated string key: 21000 like a scalar subquery",
    sql: `select t.id, t."crm.contact_by_assigned_to" from hr.todo t order by t.id`,
    oracleSql: `select t.id, ${contactOf("t")} as "crm.contact_by_assigned_to" from hr.todo t order by t.id`,
  },
  {
    id: "x-rel-belongs-to-orphans",
    covers: "belongs_to IS NULL: orphans, NULL keys, 'x ' and upper-case near misses stay unmatched",
    sql: `select t.id, t.assigned_to from hr.todo t where ${todoWindow} and t."crm.contact_by_assigned_to" is null order by t.id`,
    oracleSql: `select t.id, t.assigned_to from hr.todo t where ${todoWindow} and ${contactOf("t")} is null order by t.id`,
  },
  {
    id: "x-rel-belongs-to-filter-order",
    covers: "WHERE and ORDER BY on fields of a belongs_to json column",
    sql: `select t.id, t."crm.contact_by_assigned_to"->>'city' as city from hr.todo t where ${todoWindow} and t."crm.contact_by_assigned_to"->>'country' in ('DE', 'NO', 'PL') order by t."crm.contact_by_assigned_to"->>'city' nulls first, (t."crm.contact_by_assigned_to"->>'contact_id')::int desc, t.id`,
    oracleSql: `select t.id, ${contactOf("t")}->>'city' as city from hr.todo t where ${todoWindow} and ${contactOf("t")}->>'country' in ('DE', 'NO', 'PL') order by ${contactOf("t")}->>'city' nulls first, (${contactOf("t")}->>'contact_id')::int desc, t.id`,
  },
  {
    id: "x-rel-belongs-to-group-by",
    covers: "GROUP BY a field of a belongs_to json column, counting unmatched rows too",
    sql: `select t."crm.contact_by_assigned_to"->>'country' as country, count(*) from hr.todo t where ${todoWindow} group by 1 order by 1 nulls first`,
    oracleSql: `select ${contactOf("t")}->>'country' as country, count(*) from hr.todo t where ${todoWindow} group by 1 order by 1 nulls first`,
  },
  {
    id: "hr-rel-has-many-employees",
    covers:
      "has_many departments → employees (hundreds of children per department, ordered by emp_no; [] for none; char(4) keys, 'D001'/'d999' unmatched)",
    sql: `select d.dept_no, json_array_length(d."employees_by_dept_no") as n, d."employees_by_dept_no" from hr.departments d order by d.dept_no`,
    oracleSql: `select d.dept_no, json_array_length(${employeesOf("d")}) as n, ${employeesOf("d")} as "employees_by_dept_no" from hr.departments d order by d.dept_no`,
  },
  {
    id: "hr-rel-has-many-filter-order",
    covers: "WHERE/ORDER BY on the length of a has_many array; empty arrays",
    sql: `select d.dept_no, json_array_length(d."employees_by_dept_no") as n from hr.departments d where json_array_length(d."employees_by_dept_no") < 100 order by json_array_length(d."employees_by_dept_no") desc, d.dept_no`,
    oracleSql: `select d.dept_no, json_array_length(${employeesOf("d")}) as n from hr.departments d where json_array_length(${employeesOf("d")}) < 100 order by json_array_length(${employeesOf("d")}) desc, d.dept_no`,
  },
  {
    id: "x-rel-has-many-alias",
    covers:
      "has_many hr.employees → crm.salaries under an alias, ordered by the two-column primary key, numeric(10,2) in json",
    sql: `select e.emp_no, e.salary_history from hr.employees e where e.emp_no < 10060 order by e.emp_no`,
    oracleSql: `select e.emp_no, ${salariesOf("e")} as salary_history from hr.employees e where e.emp_no < 10060 order by e.emp_no`,
  },
  {
    id: "x-rel-has-many-elements",
    covers: "the last element of a has_many array (the latest salary) in WHERE, SELECT and ORDER BY",
    sql: `select e.emp_no, (e.salary_history->-1->>'salary')::numeric as latest from hr.employees e where e.emp_no < 10200 and json_array_length(e.salary_history) > 10 order by latest desc, e.emp_no`,
    oracleSql: `select e.emp_no, (${salariesOf("e")}->-1->>'salary')::numeric as latest from hr.employees e where e.emp_no < 10200 and json_array_length(${salariesOf("e")}) > 10 order by latest desc, e.emp_no`,
  },
  {
    id: "x-rel-many-many-three-services",
    covers:
      "many_many hr.employees ↔ crm.project through ops.assignment: IN semantics, ordered by project_id, [] for none",
    sql: `select e.emp_no, e."crm.project_by_ops.assignment" from hr.employees e where e.emp_no < 10080 order by e.emp_no`,
    oracleSql: `select e.emp_no, ${projectsOf("e")} as "crm.project_by_ops.assignment" from hr.employees e where e.emp_no < 10080 order by e.emp_no`,
  },
  {
    id: "x-rel-many-many-filter",
    covers: "filter and order on a many_many array's length and its first element",
    sql: `select e.emp_no, json_array_length(e."crm.project_by_ops.assignment") as n, e."crm.project_by_ops.assignment"->0->>'name' as first from hr.employees e where e.emp_no < 10400 and json_array_length(e."crm.project_by_ops.assignment") >= 3 order by n desc, e.emp_no`,
    oracleSql: `select e.emp_no, json_array_length(${projectsOf("e")}) as n, ${projectsOf("e")}->0->>'name' as first from hr.employees e where e.emp_no < 10400 and json_array_length(${projectsOf("e")}) >= 3 order by n desc, e.emp_no`,
  },
  {
    id: "x-rel-always-fetch-star",
    covers: "SELECT * adds the always_fetch belongs_to crm.project → hr.employees after the real columns",
    sql: "select * from crm.project p where p.project_id <= 40 order by p.project_id",
    oracleSql: `select p.*, ${leadOf("p")} as "hr.employees_by_lead_emp_no" from crm.project p where p.project_id <= 40 order by p.project_id`,
  },
];
