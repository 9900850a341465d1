/**
 * The differential corpus: every query runs on Weft and on the oracle and must return the same thing.
 * Rules for adding one: a top-level ORDER BY must make the order total (tie-break on keys), or rows
 * that tie must be identical; without a top-level ORDER BY rows are compared as multisets; keep
 * results small at scale 0.01 (LIMIT large scans); ids are stable (not-yet-supported.ts names them).
 * Ids start with the service(s) touched: hr-, crm-, ops- (one service) or x- (several).
 */
import type { DifferentialQuery } from "./harness.ts";
import { relationshipQueries } from "./relationship-queries.ts";

export const corpus: readonly DifferentialQuery[] = [
  // ------------------------------------------------------------------ hr (MariaDB), single service
  {
    id: "hr-scan-employees",
    covers:
      "every MariaDB column type round-trips (int, date, varchar, char, tinyint(1), datetime(6), double)",
    sql: "select * from hr.employees order by emp_no",
  },
  {
    id: "hr-scan-departments",
    covers: "decimal, char(4), datetime(6), names with quotes/backslashes/emoji",
    sql: "select * from hr.departments order by dept_no",
  },
  {
    id: "hr-scan-todo",
    covers: "text with newlines/tabs/quotes, smallint, NULL dates",
    sql: "select * from hr.todo order by id",
  },
  {
    id: "hr-text-eq-trailing-space",
    covers: "= on varchar: 'Anna' does not match 'Anna ' (no PAD SPACE)",
    sql: "select emp_no, first_name from hr.employees where first_name = 'Anna' order by emp_no",
  },
  {
    id: "hr-text-case-sensitive",
    covers: "= is case-sensitive ('smith' vs 'Smith')",
    sql: "select emp_no, last_name from hr.employees where last_name = 'smith' order by emp_no",
  },
  {
    id: "hr-like-escape",
    covers: "LIKE with a quote and an escaped backslash",
    sql: "select emp_no, last_name from hr.employees where last_name like 'O''%' or last_name like '%\\\\%' order by emp_no",
  },
  {
    id: "hr-ilike",
    covers: "ILIKE case-insensitive match",
    sql: "select emp_no, first_name from hr.employees where first_name ilike 'bob' order by emp_no",
  },
  {
    id: "hr-regex",
    covers: "POSIX regex ~ and !~*",
    sql: "select emp_no, last_name from hr.employees where last_name ~ '^[A-Z][a-z]+$' and first_name !~* '^b' order by emp_no limit 200",
  },
  {
    id: "hr-group-having",
    covers: "GROUP BY with NULL group, HAVING, min/max of dates, ORDER BY NULLS FIRST",
    sql: "select dept_no, count(*) as n, min(hire_date), max(birth_date), max(last_login) from hr.employees group by dept_no having count(*) > 10 order by dept_no nulls first",
  },
  {
    id: "hr-agg-filter",
    covers: "aggregate FILTER, count(col) vs count(*), count(DISTINCT)",
    sql: "select count(*) filter (where is_active) as active, count(*) filter (where gender is null) as no_gender, count(email), count(distinct dept_no), count(*) from hr.employees",
  },
  {
    id: "hr-distinct",
    covers: "DISTINCT over NULLs and booleans (multiset)",
    sql: "select distinct gender, is_active from hr.employees",
  },
  {
    id: "hr-distinct-on",
    covers: "DISTINCT ON with ORDER BY",
    sql: "select distinct on (dept_no) dept_no, emp_no, hire_date from hr.employees order by dept_no, hire_date desc, emp_no",
  },
  {
    id: "hr-order-nulls-limit-offset",
    covers: "ORDER BY DESC NULLS LAST, LIMIT/OFFSET",
    sql: "select emp_no, last_login from hr.employees order by last_login desc nulls last, emp_no limit 50 offset 10",
  },
  {
    id: "hr-window-rank",
    covers: "row_number/rank/count over partitions",
    sql: "select emp_no, dept_no, hire_date, row_number() over (partition by dept_no order by hire_date, emp_no) as rn, rank() over (partition by dept_no order by hire_date) as rk, count(*) over (partition by dept_no) as n from hr.employees order by emp_no limit 200",
  },
  {
    id: "hr-window-frame",
    covers: "window frame ROWS BETWEEN, sum over integers",
    sql: "select emp_no, sum(emp_no) over (order by emp_no rows between 2 preceding and current row) as s, lead(first_name) over (order by emp_no) from hr.employees order by emp_no limit 100",
  },
  {
    id: "hr-case-coalesce",
    covers: "CASE, COALESCE, NULLIF, GREATEST, LEAST",
    sql: "select emp_no, case when score >= 50 then 'high' when score < 50 then 'low' else 'none' end as band, coalesce(email, '<none>'), nullif(gender, 'M'), greatest(hire_date, date '2000-01-01'), least(emp_no, 10100) from hr.employees order by emp_no limit 100",
  },
  {
    id: "hr-date-functions",
    covers: "date_trunc, extract, to_char, date + int, date - date",
    sql: "select emp_no, date_trunc('month', last_login), extract(year from hire_date), extract(dow from birth_date), to_char(hire_date, 'YYYY-MM-DD Dy'), hire_date + 30, hire_date - birth_date from hr.employees order by emp_no limit 100",
  },
  {
    id: "hr-age-interval",
    covers: "age(), timestamp ± interval",
    sql: "select emp_no, age(date '2025-01-01', birth_date), last_login + interval '1 day 2 hours', last_login - interval '90 minutes' from hr.employees order by emp_no limit 50",
  },
  {
    id: "hr-casts",
    covers: "casts to text/numeric/timestamp/int/bigint, bigint overflow-free arithmetic",
    sql: "select emp_no::text, score::numeric(10,1), hire_date::timestamp, is_active::int, '42'::int + emp_no, cast(emp_no as bigint) * 3000000000 from hr.employees order by emp_no limit 50",
  },
  {
    id: "hr-integer-division",
    covers: "integer division truncates toward zero, modulo, numeric division",
    sql: "select emp_no, emp_no / 7, emp_no % 7, -emp_no / 7, (-emp_no) % 7, emp_no / 7.0 from hr.employees order by emp_no limit 30",
  },
  {
    id: "hr-division-by-zero",
    covers: "integer division by zero is 22012 on both sides",
    sql: "select emp_no / (emp_no - emp_no) from hr.employees",
  },
  {
    id: "hr-numeric-precision",
    covers: "numeric(12,2) arithmetic, division scale, round, sum over ()",
    sql: "select dept_no, budget, budget * 1.1, budget / 3, round(budget / 7, 4), sum(budget) over () from hr.departments order by dept_no",
  },
  {
    id: "hr-string-functions",
    covers: "length, upper/lower on non-ASCII, ||, trim, substring, replace, position",
    sql: "select emp_no, length(first_name), upper(first_name), lower(last_name), first_name || ' ' || last_name, trim(first_name), substring(last_name from 2 for 3), replace(last_name, '''', '’'), position('a' in last_name) from hr.employees order by emp_no limit 100",
  },
  {
    id: "hr-in-list-null",
    covers: "IN / NOT IN with a NULL in the list (3-valued logic)",
    sql: "select (select count(*) from hr.employees where dept_no in ('d001', 'd002', null)) as in_n, (select count(*) from hr.employees where dept_no not in ('d001', null)) as not_in_n",
  },
  {
    id: "hr-in-subquery",
    covers: "IN (subquery)",
    sql: "select emp_no from hr.employees where dept_no in (select dept_no from hr.departments where budget > 5000000) order by emp_no",
  },
  {
    id: "hr-not-exists",
    covers: "correlated NOT EXISTS (departments without employees)",
    sql: "select d.dept_no from hr.departments d where not exists (select 1 from hr.employees e where e.dept_no = d.dept_no) order by d.dept_no",
  },
  {
    id: "hr-scalar-subquery",
    covers: "correlated scalar subquery in the select list",
    sql: "select d.dept_no, (select count(*) from hr.employees e where e.dept_no = d.dept_no) as n from hr.departments d order by d.dept_no",
  },
  {
    id: "hr-cte",
    covers: "non-recursive CTE",
    sql: "with active as (select * from hr.employees where is_active) select dept_no, count(*) from active group by dept_no order by dept_no nulls last",
  },
  {
    id: "hr-self-left-join",
    covers: "LEFT self join with orphan and NULL manager_no",
    sql: "select e.emp_no, m.emp_no as mgr, m.last_name from hr.employees e left join hr.employees m on m.emp_no = e.manager_no order by e.emp_no limit 200",
  },
  {
    id: "hr-orphan-char-key",
    covers: "char(4) join key with orphans and a case variant ('D001')",
    sql: "select e.dept_no, count(*) from hr.employees e left join hr.departments d on d.dept_no = e.dept_no where d.dept_no is null group by e.dept_no order by e.dept_no nulls first",
  },
  {
    id: "hr-union",
    covers: "UNION (multiset after dedup)",
    sql: "select dept_no from hr.employees union select dept_no from hr.departments",
  },
  {
    id: "hr-values-join",
    covers: "VALUES list LEFT JOIN a table",
    sql: "select v.code, d.dept_name from (values ('d001'), ('d021'), ('zzzz')) v(code) left join hr.departments d on d.dept_no = v.code order by v.code",
  },
  {
    id: "hr-json-build",
    covers: "json_build_object / row_to_json as BI tools emit",
    sql: "select emp_no, json_build_object('first', first_name, 'active', is_active, 'hired', hire_date) from hr.employees order by emp_no limit 30",
  },
  {
    id: "hr-ordered-set-hypothetical",
    covers:
      "mode() and hypothetical-set rank/percent_rank/cume_dist WITHIN GROUP on MariaDB (in memory): DESC, NULLS FIRST, NULL keys",
    sql: "select dept_no, count(*), mode() within group (order by gender), rank(10050) within group (order by emp_no), dense_rank('F') within group (order by gender desc), percent_rank('2000-01-01') within group (order by hire_date desc), cume_dist(50) within group (order by score nulls first) from hr.employees group by dept_no order by dept_no nulls first",
  },

  // ------------------------------------------------------------------ crm (PostgreSQL), single service
  {
    id: "crm-scan-contact",
    covers: "timestamptz(6), character(2), jsonb round-trip",
    sql: "select * from crm.contact order by contact_id",
  },
  {
    id: "crm-scan-salaries",
    covers: "numeric(10,2), dates incl. 9999-01-01",
    sql: "select * from crm.salaries order by emp_no, from_date limit 2000",
  },
  {
    id: "crm-jsonb-operators",
    covers: "->, ->>, ?, jsonb_array_length, cast of json text to numeric",
    sql: "select contact_id, attrs->>'tier', attrs->'tags', jsonb_array_length(attrs->'tags'), attrs ? 'score', (attrs->>'score')::numeric from crm.contact where attrs is not null order by contact_id limit 100",
  },
  {
    id: "crm-json-agg",
    covers: "json_agg with ORDER BY, grouped on a NULLable char(2)",
    sql: "select country, count(*), json_agg(city order by contact_id) from crm.contact where contact_id < 60 group by country order by country nulls first",
  },
  {
    id: "crm-numeric-agg",
    covers: "sum/avg/max-min over numeric(10,2) (exact), HAVING",
    sql: "select emp_no, sum(salary), avg(salary), max(salary) - min(salary), count(*) from crm.salaries group by emp_no having sum(salary) > 1000000 order by emp_no limit 100",
  },
  {
    id: "crm-window-lag",
    covers: "named WINDOW, lag, first_value",
    sql: "select emp_no, from_date, salary, salary - lag(salary) over w, first_value(salary) over w from crm.salaries window w as (partition by emp_no order by from_date) order by emp_no, from_date limit 300",
  },
  {
    id: "crm-timestamptz",
    covers: "timestamptz date_trunc, epoch, AT TIME ZONE, to_char with microseconds",
    sql: "select contact_id, created_at, date_trunc('day', created_at), extract(epoch from created_at), created_at at time zone 'Europe/Warsaw', to_char(created_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US') from crm.contact order by contact_id limit 100",
  },
  {
    id: "crm-intersect-except-all",
    covers: "INTERSECT and EXCEPT ALL (multisets)",
    sql: "(select emp_no from crm.salaries intersect select emp_no from crm.employee_status) except all select emp_no from crm.employee_status where status = 'terminated'",
  },
  {
    id: "crm-percentile",
    covers: "ordered-set aggregate percentile_cont",
    sql: "select percentile_cont(0.5) within group (order by salary), percentile_disc(0.9) within group (order by salary) from crm.salaries",
  },

  // ------------------------------------------------------------------ ops (MariaDB), single service
  {
    id: "ops-scan-assignment",
    covers: "decimal(6,2), varchar NULLs, datetime(6)",
    sql: "select * from ops.assignment order by emp_no, project_id",
  },
  {
    id: "ops-agg-string-agg",
    covers: "skewed GROUP BY, sum(decimal), string_agg ORDER BY, top-N",
    sql: "select project_id, count(*), sum(hours), count(role), string_agg(role, ',' order by emp_no) from ops.assignment group by project_id order by count(*) desc, project_id limit 20",
  },
  {
    id: "ops-percentile-array",
    covers:
      "percentile_cont/percentile_disc array forms (a NULL fraction) over decimal and datetime on MariaDB, in memory",
    sql: "select project_id, percentile_cont(array[0.1, 0.5, 0.9]) within group (order by hours), percentile_disc(array[0.5, null, 1]) within group (order by assigned_at desc), percentile_cont(0.75) within group (order by hours) from ops.assignment group by project_id order by project_id limit 20",
  },

  // ------------------------------------------------------------------ cross-service
  {
    id: "x-inner-join-int",
    covers: "INNER JOIN hr.employees × crm.salaries on an integer key",
    sql: "select e.emp_no, e.last_name, s.salary, s.from_date from hr.employees e join crm.salaries s on s.emp_no = e.emp_no where e.dept_no = 'd005' order by e.emp_no, s.from_date",
  },
  {
    id: "x-left-join",
    covers: "LEFT JOIN with unmatched rows (employees without status)",
    sql: "select e.emp_no, st.status from hr.employees e left join crm.employee_status st on st.emp_no = e.emp_no order by e.emp_no",
  },
  {
    id: "x-right-join",
    covers: "RIGHT JOIN keeping orphan statuses",
    sql: "select e.emp_no, st.emp_no as st_emp, st.status from hr.employees e right join crm.employee_status st on st.emp_no = e.emp_no order by st.emp_no",
  },
  {
    id: "x-full-join",
    covers: "FULL JOIN with orphans on both sides",
    sql: "select e.emp_no, c.contact_id from hr.employees e full join crm.contact c on c.emp_no = e.emp_no order by e.emp_no nulls first, c.contact_id nulls first",
  },
  {
    id: "x-cross-join",
    covers: "CROSS JOIN of two services",
    sql: "select d.dept_no, p.project_id from hr.departments d cross join crm.project p where p.project_id <= 3 order by 1, 2",
  },
  {
    id: "x-lateral",
    covers: "CROSS JOIN LATERAL with a per-row top-N across services",
    sql: "select d.dept_no, top.emp_no, top.salary, top.from_date from hr.departments d cross join lateral (select e.emp_no, s.salary, s.from_date from hr.employees e join crm.salaries s on s.emp_no = e.emp_no where e.dept_no = d.dept_no order by s.salary desc, e.emp_no, s.from_date limit 2) top order by d.dept_no, top.salary desc, top.emp_no, top.from_date",
  },
  {
    id: "x-lateral-left-aggregate",
    covers: "LEFT JOIN LATERAL over an aggregate: count over no rows is 0, sum/max NULL, for most projects",
    sql: "select p.project_id, a.n, a.total_hours, a.last_assigned from crm.project p left join lateral (select count(*) as n, sum(x.hours) as total_hours, max(x.assigned_at) as last_assigned from ops.assignment x where x.project_id = p.project_id and x.role = 'lead' and x.hours > 990) a on true order by p.project_id",
  },
  {
    id: "x-lateral-offset",
    covers: "CROSS JOIN LATERAL with LIMIT … OFFSET per outer row (row_number window), ties broken by key",
    sql: "select p.project_id, t.emp_no, t.hours from crm.project p cross join lateral (select a.emp_no, a.hours from ops.assignment a where a.project_id = p.project_id order by a.hours desc, a.emp_no limit 2 offset 1) t where p.project_id <= 30 order by p.project_id, t.hours desc, t.emp_no",
  },
  {
    id: "x-apply-scalar-range",
    covers:
      "correlated scalar subquery with a non-equality beside the equality (an apply, memoized, its scan read once)",
    sql: "select e.emp_no, (select max(s.salary) from crm.salaries s where s.emp_no = e.emp_no and s.from_date <= e.hire_date + 365) as first_year_max from hr.employees e where e.emp_no < 10150 order by e.emp_no",
  },
  {
    id: "x-apply-exists-or",
    covers: "correlated EXISTS under OR with a non-equality correlation (an apply)",
    sql: "select p.project_id, p.name from crm.project p where p.is_public or exists (select 1 from ops.assignment a where a.project_id = p.project_id and a.hours > p.budget / 1000) order by p.project_id",
  },
  {
    id: "x-apply-lateral-range",
    covers: "CROSS JOIN LATERAL with a per-row LIMIT over a non-equality correlation (a LATERAL apply)",
    sql: "select d.dept_no, t.emp_no, t.salary from hr.departments d cross join lateral (select s.emp_no, s.salary from crm.salaries s where s.salary > d.budget / 20 order by s.salary desc, s.emp_no limit 2) t order by d.dept_no, t.salary desc, t.emp_no",
  },
  {
    id: "x-anti-not-in-correlated",
    covers: "correlated NOT IN (NULL manager_no, empty subqueries): an anti join over (x = y) IS NOT FALSE",
    sql: "select e.emp_no, e.manager_no from hr.employees e where e.emp_no < 10300 and e.manager_no not in (select a.emp_no from ops.assignment a where a.project_id = e.emp_no % 40 and a.hours > 100) order by e.emp_no",
  },
  {
    id: "x-string-key-join",
    covers: "string join key todo.assigned_to = contact.display_name (duplicates, case, trailing spaces)",
    sql: "select t.id, t.assigned_to, c.contact_id from hr.todo t join crm.contact c on c.display_name = t.assigned_to order by t.id, c.contact_id",
  },
  {
    id: "x-string-key-anti",
    covers: "LEFT JOIN … IS NULL anti join on a string key",
    sql: "select t.id, t.assigned_to from hr.todo t left join crm.contact c on c.display_name = t.assigned_to where c.contact_id is null and t.assigned_to is not null order by t.id",
  },
  {
    id: "x-string-key-rtrim",
    covers: "join on an expression of the key (rtrim of trailing spaces)",
    sql: "select t.id, c.contact_id from hr.todo t join crm.contact c on c.display_name = rtrim(t.assigned_to) where t.assigned_to like '% ' order by t.id, c.contact_id",
  },
  {
    id: "x-string-key-full",
    covers: "FULL JOIN of derived tables on a string key (multiset)",
    sql: "select t.assigned_to, c.display_name from (select distinct assigned_to from hr.todo where id <= 200) t full join (select display_name from crm.contact where contact_id <= 200) c on c.display_name = t.assigned_to",
  },
  {
    id: "x-many-to-many",
    covers: "many-to-many hr.employees → ops.assignment → crm.project",
    sql: "select e.emp_no, p.project_id, p.name, a.role from hr.employees e join ops.assignment a on a.emp_no = e.emp_no join crm.project p on p.project_id = a.project_id where e.dept_no = 'd003' order by e.emp_no, p.project_id",
  },
  {
    id: "x-many-to-many-agg",
    covers: "LEFT JOIN chain over three services with count(DISTINCT), sum, FILTER",
    sql: "select p.project_id, p.name, count(distinct a.emp_no), sum(a.hours), count(*) filter (where e.is_active) from crm.project p left join ops.assignment a on a.project_id = p.project_id left join hr.employees e on e.emp_no = a.emp_no group by p.project_id, p.name order by p.project_id",
  },
  {
    id: "x-group-having",
    covers: "3-way join, GROUP BY, HAVING, exact numeric avg",
    sql: "select d.dept_name, count(*), sum(s.salary), avg(s.salary), max(s.salary) from hr.departments d join hr.employees e on e.dept_no = d.dept_no join crm.salaries s on s.emp_no = e.emp_no where s.to_date = '9999-01-01' group by d.dept_name having count(*) > 5 order by d.dept_name",
  },
  {
    id: "x-distinct",
    covers: "DISTINCT over a cross-service join (multiset)",
    sql: "select distinct st.status, e.is_active from hr.employees e join crm.employee_status st using (emp_no)",
  },
  {
    id: "x-distinct-on",
    covers: "DISTINCT ON over a cross-service join",
    sql: "select distinct on (e.dept_no) e.dept_no, e.emp_no, s.salary from hr.employees e join crm.salaries s on s.emp_no = e.emp_no order by e.dept_no nulls first, s.salary desc, e.emp_no, s.from_date",
  },
  {
    id: "x-window",
    covers: "rank/dense_rank over a cross-service join",
    sql: "select e.emp_no, e.dept_no, s.salary, rank() over (partition by e.dept_no order by s.salary desc), dense_rank() over (order by s.salary desc) from hr.employees e join crm.salaries s on s.emp_no = e.emp_no and s.to_date is null order by e.emp_no",
  },
  {
    id: "x-union",
    covers: "UNION across services (multiset)",
    sql: "select emp_no from hr.employees where dept_no = 'd001' union select emp_no from crm.employee_status where status = 'Active'",
  },
  {
    id: "x-union-all-ordered",
    covers: "UNION ALL across services with ORDER BY + LIMIT (ties are identical rows)",
    sql: "select 'hr' as src, emp_no from hr.todo where emp_no is not null union all select 'ops', emp_no from ops.assignment order by src, emp_no limit 500",
  },
  {
    id: "x-intersect",
    covers: "INTERSECT across services",
    sql: "select emp_no from hr.employees intersect select emp_no from crm.salaries",
  },
  {
    id: "x-except",
    covers: "EXCEPT across services (orphan salaries)",
    sql: "select emp_no from crm.salaries except select emp_no from hr.employees",
  },
  {
    id: "x-except-all",
    covers: "EXCEPT ALL across services",
    sql: "select emp_no from ops.assignment except all select emp_no from hr.todo",
  },
  {
    id: "x-intersect-all",
    covers: "INTERSECT ALL across services",
    sql: "select emp_no from ops.assignment intersect all select emp_no from crm.salaries",
  },
  {
    id: "x-in-subquery",
    covers: "IN (subquery on another service)",
    sql: "select e.emp_no from hr.employees e where e.emp_no in (select emp_no from ops.assignment where project_id = 1) order by e.emp_no",
  },
  {
    id: "x-not-in-with-null",
    covers: "NOT IN (subquery containing NULL) returns nothing",
    sql: "select count(*) from crm.project p where p.lead_emp_no not in (select manager_no from hr.employees)",
  },
  {
    id: "x-not-in-no-null",
    covers: "NOT IN (subquery without NULL), NULL outer values excluded",
    sql: "select p.project_id, p.lead_emp_no from crm.project p where p.lead_emp_no not in (select emp_no from hr.employees) order by 1",
  },
  {
    id: "x-exists",
    covers: "correlated EXISTS on a string key",
    sql: "select c.contact_id from crm.contact c where exists (select 1 from hr.todo t where t.assigned_to = c.display_name and t.done) order by c.contact_id",
  },
  {
    id: "x-not-exists",
    covers: "correlated NOT EXISTS (employees without salaries)",
    sql: "select e.emp_no from hr.employees e where not exists (select 1 from crm.salaries s where s.emp_no = e.emp_no) order by e.emp_no",
  },
  {
    id: "x-exists-selective",
    covers:
      "selective correlated EXISTS: one department's keys sent to the subquery's service (bind semi join)",
    sql: "select e.emp_no, e.last_name from hr.employees e where e.dept_no = 'd005' and exists (select 1 from crm.salaries s where s.emp_no = e.emp_no and s.salary > 90000) order by e.emp_no",
  },
  {
    id: "x-in-selective",
    covers: "selective IN (subquery): the subquery's keys sent to the outer table's service (bind semi join)",
    sql: "select c.contact_id, c.display_name, c.country from crm.contact c where c.emp_no in (select e.emp_no from hr.employees e where e.dept_no = 'd019' and e.hire_date >= date '2015-01-01') order by c.contact_id",
  },
  {
    id: "x-in-and-not-in",
    covers: "IN and NOT IN on two other services",
    sql: "select e.emp_no from hr.employees e where e.emp_no in (select a.emp_no from ops.assignment a where a.role is null) and e.emp_no not in (select st.emp_no from crm.employee_status st) order by 1",
  },
  {
    id: "x-scalar-subquery",
    covers: "correlated scalar subquery on another service",
    sql: "select e.emp_no, (select max(s.salary) from crm.salaries s where s.emp_no = e.emp_no) as top_salary from hr.employees e where e.emp_no < 10100 order by e.emp_no",
  },
  {
    id: "x-subquery-from",
    covers: "aggregate in a FROM subquery, filtered outside",
    sql: "select t.dept_no, t.total from (select e.dept_no, sum(s.salary) as total from hr.employees e join crm.salaries s on s.emp_no = e.emp_no group by e.dept_no) t where t.total > 0 order by t.dept_no nulls first",
  },
  {
    id: "x-cte",
    covers: "CTE with top-N on ops joined to crm",
    sql: "with top_projects as (select project_id, count(*) as n from ops.assignment group by project_id order by n desc, project_id limit 5) select tp.project_id, tp.n, p.name, p.budget from top_projects tp join crm.project p using (project_id) order by tp.n desc, tp.project_id",
  },
  {
    id: "sq-not-in-null-outer",
    covers: "NOT IN (subquery on another service): NULL outer values are never kept",
    sql: "select count(*) from hr.employees e where e.manager_no not in (select st.emp_no from crm.employee_status st)",
  },
  {
    id: "sq-not-in-empty",
    covers: "NOT IN (empty subquery) keeps every row, NULL outer values included",
    sql: "select count(*), count(p.lead_emp_no) from crm.project p where p.lead_emp_no not in (select e.emp_no from hr.employees e where e.emp_no < 0)",
  },
  {
    id: "sq-in-null-inner",
    covers: "IN (subquery whose rows are mostly NULL) matches only equal non-NULL values",
    sql: "select p.project_id from crm.project p where p.lead_emp_no in (select manager_no from hr.employees) order by 1",
  },
  {
    id: "sq-not-in-nullable-both",
    covers: "NOT IN with NULLs filtered out of the subquery, nullable outer column",
    sql: "select e.emp_no from hr.employees e where e.manager_no not in (select p.lead_emp_no from crm.project p where p.lead_emp_no is not null) order by 1 limit 20",
  },
  {
    id: "sq-exists-uncorrelated",
    covers: "uncorrelated EXISTS and NOT EXISTS on two other services",
    sql: "select count(*) from hr.employees e where exists (select 1 from crm.project p where p.budget > 1000000) and not exists (select 1 from ops.assignment a where a.hours < 0)",
  },
  {
    id: "sq-scalar-where-pushed",
    covers:
      "uncorrelated scalar subquery in WHERE, computed first and pushed to the other service as a parameter",
    sql: "select e.emp_no, e.score from hr.employees e where e.emp_no > (select min(s.emp_no) + 5 from crm.salaries s) order by e.emp_no limit 5",
  },
  {
    id: "sq-scalar-select-list",
    covers: "uncorrelated scalar subqueries in the select list, one over no rows (NULL)",
    sql: "select p.project_id, (select count(*) from hr.employees) as n, (select max(salary) from crm.salaries where salary < 0) as none from crm.project p order by 1 limit 3",
  },
  {
    id: "sq-scalar-two-rows",
    covers: "a scalar subquery returning several rows is 21000",
    sql: "select e.emp_no from hr.employees e where e.emp_no = (select emp_no from crm.salaries)",
  },
  {
    id: "sq-correlated-count",
    covers: "correlated count(*) subquery in the select list: 0 where nothing matches",
    sql: "select e.emp_no, (select count(*) from ops.assignment a where a.emp_no = e.emp_no) as n from hr.employees e where e.emp_no < 10040 order by 1",
  },
  {
    id: "sq-correlated-max-where",
    covers: "correlated max() subquery in WHERE (latest salary) with IN on another service",
    sql: "select s.emp_no, s.salary from crm.salaries s where s.salary = (select max(s2.salary) from crm.salaries s2 where s2.emp_no = s.emp_no) and s.emp_no in (select emp_no from hr.employees where dept_no = 'd001') order by 1",
  },
  {
    id: "sq-exists-inequality",
    covers: "correlated EXISTS on an inequality (nested loop semi join)",
    sql: "select d.dept_no from hr.departments d where exists (select 1 from crm.project p where p.budget > d.budget) order by 1",
  },
  {
    id: "sq-in-row",
    covers: "(a, b) IN (subquery) across services",
    sql: "select e.emp_no from hr.employees e where (e.emp_no, e.hire_date) in (select s.emp_no, s.from_date from crm.salaries s) order by 1 limit 10",
  },
  {
    id: "sq-derived-one-service",
    covers: "grouped FROM subquery of one service (offered whole) LEFT JOIN an aggregate of another",
    sql: "select x.dept, x.cnt, st.n from (select dept_no as dept, count(*) as cnt from hr.employees group by dept_no) x left join (select count(*) as n from crm.employee_status) st on true order by x.dept nulls first",
  },
  {
    id: "sq-cte-chain",
    covers: "a CTE used twice and one CTE built on another",
    sql: "with s as (select emp_no, max(salary) as top from crm.salaries group by emp_no), e2 as (select e.emp_no, e.dept_no from hr.employees e join s on s.emp_no = e.emp_no where s.top > 50000) select a.dept_no, count(*) from e2 a join s on s.emp_no = a.emp_no group by a.dept_no order by 1 nulls first",
  },
  {
    id: "sq-not-exists-null-key",
    covers: "NOT EXISTS correlated on a nullable key keeps the NULL rows",
    sql: "select count(*) from hr.employees e where not exists (select 1 from crm.project p where p.lead_emp_no = e.manager_no)",
  },
  {
    id: "sq-exists-select-list",
    covers: "uncorrelated EXISTS in the select list",
    sql: "select e.emp_no, exists (select 1 from crm.salaries s where s.salary > 150000) as rich from hr.employees e order by 1 limit 3",
  },
  {
    id: "sq-nested-in",
    covers: "IN nested in IN over three services",
    sql: "select e.emp_no from hr.employees e where e.emp_no in (select a.emp_no from ops.assignment a where a.project_id in (select p.project_id from crm.project p where p.is_public)) order by 1 limit 10",
  },
  {
    id: "sq-in-same-service",
    covers: "IN over the outer table's own service (pushed into its scan) and IN over another",
    sql: "select e.emp_no from hr.employees e where e.dept_no in (select d.dept_no from hr.departments d where d.budget > 0) and e.emp_no in (select emp_no from crm.salaries) order by 1 limit 5",
  },
  {
    id: "sq-derived-using",
    covers: "JOIN … USING inside a FROM subquery, counted outside",
    sql: "select count(*), count(distinct t.emp_no) from (select e.emp_no from hr.employees e join crm.salaries s using (emp_no)) t",
  },
  {
    id: "sq-any-exists-or",
    covers: "correlated EXISTS under OR: a LEFT JOIN with the subquery grouped by its key",
    sql: "select e.emp_no, e.manager_no from hr.employees e where e.emp_no < 10060 and (e.manager_no is null or exists (select 1 from crm.project p where p.lead_emp_no = e.emp_no and p.is_public)) order by 1",
  },
  {
    id: "sq-any-in-select-list",
    covers:
      "correlated IN and NOT IN in the select list: NULL left operands, NULLs in the group, empty groups",
    sql: "select p.project_id, p.lead_emp_no in (select a.emp_no from ops.assignment a where a.project_id = p.project_id) as lead_assigned, p.lead_emp_no not in (select e.manager_no from hr.employees e where e.emp_no = p.lead_emp_no) as not_own_manager from crm.project p order by 1",
  },
  {
    id: "sq-any-scalar-no-aggregate",
    covers:
      "correlated scalar subqueries without an aggregate: one row per key, ORDER BY … LIMIT 1 in a CASE branch",
    sql: "select e.emp_no, (select st.status from crm.employee_status st where st.emp_no = e.emp_no) as status, case when e.emp_no % 3 = 0 then (select c.city from crm.contact c where c.emp_no = e.emp_no order by c.contact_id desc limit 1) end as city from hr.employees e where e.emp_no < 10050 order by 1",
  },
  {
    id: "sq-any-uncorrelated-in-or-having",
    covers:
      "uncorrelated IN / NOT IN under OR, in a grouped select list and in HAVING (arrays computed once)",
    sql: "select e.dept_no, count(*), e.dept_no in (select d.dept_no from hr.departments d where d.budget > 5000000) as big from hr.employees e where e.manager_no not in (select p.lead_emp_no from crm.project p where p.lead_emp_no is not null) or e.emp_no in (select a.emp_no from ops.assignment a where a.hours > 30) group by e.dept_no having count(*) > 1 or e.dept_no in (select d.dept_no from hr.departments d) order by 1 nulls first",
  },
  {
    id: "x-values",
    covers: "VALUES LEFT JOIN two services with USING",
    sql: "select v.emp_no, e.last_name, st.status from (values (10001), (10002), (999999)) v(emp_no) left join hr.employees e using (emp_no) left join crm.employee_status st using (emp_no) order by v.emp_no",
  },
  {
    id: "x-case-coalesce",
    covers: "CASE/COALESCE/GREATEST/LEAST over columns of two services with NULLs",
    sql: "select e.emp_no, case when st.status is null then 'unknown' when lower(st.status) = 'active' then 'A' else upper(st.status) end, coalesce(c.city, e.email, 'n/a'), greatest(e.hire_date, st.since), least(e.hire_date, st.since) from hr.employees e left join crm.employee_status st on st.emp_no = e.emp_no left join crm.contact c on c.emp_no = e.emp_no order by e.emp_no limit 300",
  },
  {
    id: "x-like-ilike-regex",
    covers: "ILIKE, ~*, LIKE with backslash across services",
    sql: "select t.id, c.contact_id, c.city from hr.todo t join crm.contact c on c.display_name = t.assigned_to where t.title ilike '%bob%' or c.city ~* '^par' or t.notes like '%\\\\%' order by t.id, c.contact_id",
  },
  {
    id: "x-dates",
    covers: "age, date - date, date_trunc, extract(quarter), to_char(numeric)",
    sql: "select e.emp_no, age(s.from_date, e.hire_date), s.from_date - e.hire_date, date_trunc('year', e.last_login), extract(quarter from s.from_date), to_char(s.salary, 'FM999999990.00') from hr.employees e join crm.salaries s on s.emp_no = e.emp_no where e.emp_no between 10001 and 10040 order by e.emp_no, s.from_date",
  },
  {
    id: "x-timestamp-compare",
    covers: "timestamp(6) comparison across services",
    sql: "select a.emp_no, a.project_id, a.assigned_at, e.last_login from ops.assignment a join hr.employees e using (emp_no) where a.assigned_at > e.last_login order by a.emp_no, a.project_id limit 300",
  },
  {
    id: "x-json-build",
    covers: "json_build_object mixing hr columns and crm jsonb",
    sql: "select e.emp_no, json_build_object('name', e.first_name, 'tier', c.attrs->'tier', 'city', c.city) from hr.employees e join crm.contact c on c.emp_no = e.emp_no where e.emp_no < 10050 order by e.emp_no",
  },
  {
    id: "x-json-agg",
    covers: "json_agg(json_build_object(…) ORDER BY) over crm × ops",
    sql: "select p.project_id, json_agg(json_build_object('emp', a.emp_no, 'role', a.role) order by a.emp_no) from crm.project p join ops.assignment a on a.project_id = p.project_id where p.project_id <= 5 group by p.project_id order by p.project_id",
  },
  {
    id: "x-division-by-zero",
    covers: "numeric division by zero in a cross-service join is 22012",
    sql: "select s.salary / (e.emp_no - e.emp_no) from hr.employees e join crm.salaries s on s.emp_no = e.emp_no",
  },
  {
    id: "x-integer-division",
    covers: "bigint count / int, %, numeric sum / bigint",
    sql: "select e.emp_no, count(*) / 3, count(*) % 3, sum(s.salary) / count(*) from hr.employees e join crm.salaries s using (emp_no) where e.emp_no < 10030 group by e.emp_no order by e.emp_no",
  },
  {
    id: "x-order-nulls-offset",
    covers: "ORDER BY NULLS FIRST + LIMIT/OFFSET over a cross-service LEFT JOIN",
    sql: "select e.emp_no, st.since from hr.employees e left join crm.employee_status st using (emp_no) order by st.since nulls first, e.emp_no limit 40 offset 20",
  },
  {
    id: "x-boolean-group",
    covers: "GROUP BY booleans of two services over three",
    sql: "select p.is_public, e.is_active, count(*) from crm.project p join ops.assignment a using (project_id) join hr.employees e using (emp_no) group by p.is_public, e.is_active order by 1, 2",
  },
  {
    id: "x-window-range-groups",
    covers: "RANGE numeric offsets, GROUPS EXCLUDE TIES, first_value/last_value frames, NULL partitions",
    sql: "select e.emp_no, e.dept_no, s.salary, sum(s.salary) over (partition by e.dept_no order by s.salary range between 1000 preceding and 1000 following), count(*) over (partition by e.dept_no order by s.salary groups between 1 preceding and current row exclude ties), first_value(e.emp_no) over (partition by e.dept_no order by s.salary, e.emp_no), last_value(s.salary) over (partition by e.dept_no order by s.salary rows between current row and unbounded following) from hr.employees e join crm.salaries s on s.emp_no = e.emp_no where s.to_date is null order by e.emp_no",
  },
  {
    id: "x-window-nulls",
    covers:
      "ranking over a NULLable key (ties, NULLS LAST), ntile, lag/lead with defaults, nth_value, float RANGE offsets",
    sql: "select e.emp_no, e.score, st.status, rank() over (order by e.score desc nulls last), dense_rank() over (partition by st.status order by e.score), percent_rank() over (order by e.score), cume_dist() over (partition by st.status order by e.score), ntile(4) over (order by e.score, e.emp_no), lag(e.score, 2, -1) over (order by e.emp_no), lead(st.status, 1, 'none') over (order by e.emp_no), nth_value(e.emp_no, 3) over (partition by st.status order by e.emp_no rows between unbounded preceding and unbounded following), count(e.score) over (order by e.score range between 10 preceding and 5 following) from hr.employees e left join crm.employee_status st on st.emp_no = e.emp_no order by e.emp_no",
  },
  {
    id: "x-window-over-groups",
    covers: "window functions over aggregates of a grouped cross-service join",
    sql: "select e.dept_no, count(*), sum(count(*)) over (order by e.dept_no nulls first), rank() over (order by count(*) desc, e.dept_no), avg(sum(a.hours)) over () from hr.employees e join ops.assignment a on a.emp_no = e.emp_no group by e.dept_no order by e.dept_no nulls first",
  },
  {
    id: "x-window-interval-range",
    covers: "RANGE with interval offsets over date and timestamp keys, a named WINDOW extended by OVER (w …)",
    sql: "select s.emp_no, s.from_date, a.assigned_at, count(*) over (w range between interval '1 year' preceding and current row), max(s.salary) over (w range between current row and '400 days' following), count(*) over (order by a.assigned_at, s.from_date) from crm.salaries s join ops.assignment a on a.emp_no = s.emp_no where s.emp_no < 10080 window w as (partition by s.emp_no, a.project_id order by s.from_date) order by s.emp_no, a.project_id, s.from_date",
  },
  {
    id: "x-distinct-on-nulls",
    covers: "DISTINCT ON a NULLable key from a LEFT JOIN, sort keys outside the select list",
    sql: "select distinct on (st.status) st.status, e.emp_no from hr.employees e left join crm.employee_status st on st.emp_no = e.emp_no order by st.status nulls first, e.hire_date desc, e.emp_no",
  },
  {
    id: "x-union-dedup-nulls",
    covers: "UNION removes duplicates and NULL duplicates across services (multiset)",
    sql: "select manager_no from hr.employees union select lead_emp_no from crm.project",
  },
  {
    id: "x-union-all-dups",
    covers: "UNION ALL keeps duplicates and NULLs, text/unknown type resolution (multiset)",
    sql: "select manager_no, 'emp' as src from hr.employees union all select lead_emp_no, 'project' from crm.project",
  },
  {
    id: "x-intersect-all-nulls",
    covers: "INTERSECT ALL multiplicities min(m, n) with NULLs",
    sql: "select manager_no from hr.employees intersect all select lead_emp_no from crm.project order by 1 nulls first",
  },
  {
    id: "x-except-all-nulls",
    covers: "EXCEPT ALL multiplicities max(m - n, 0) with NULLs, EXCEPT distinct",
    sql: "select lead_emp_no from crm.project except all select manager_no from hr.employees where emp_no < 10300 order by 1 nulls first",
  },
  {
    id: "x-setop-types",
    covers: "set operation column types: numeric UNION double precision, integer UNION bigint",
    sql: "select emp_no, salary from crm.salaries where emp_no < 10010 union select emp_no, score from hr.employees where emp_no < 10010 union select count(*), 0.5 from ops.assignment order by 1, 2",
  },
  {
    id: "x-setop-nested",
    covers:
      "nested EXCEPT / UNION ALL with a parenthesised ORDER BY LIMIT branch, ORDER BY name DESC + LIMIT",
    sql: "(select emp_no from hr.employees where emp_no < 10020 except select emp_no from ops.assignment) union all (select emp_no from crm.salaries order by emp_no desc limit 3) order by emp_no desc limit 10",
  },
  {
    id: "x-setop-one-service-branch",
    covers: "a set operation whose left branch lives in one service (offered whole), EXCEPT ALL another",
    sql: "(select emp_no from crm.salaries intersect select emp_no from crm.employee_status) except all select emp_no from hr.employees where dept_no = 'd001'",
  },
  {
    id: "x-values-setop",
    covers: "VALUES and a SELECT without FROM as set operation branches",
    sql: "select emp_no, last_name from hr.employees where emp_no < 10005 union all values (1, 'one'), (2, null) union select 3, 'three' order by 1, 2",
  },
  {
    id: "x-ordered-aggregates",
    covers: "string_agg / array_agg with ORDER BY (NULLS FIRST, DESC) over a cross-service join",
    sql: "select e.dept_no, string_agg(a.role, ',' order by a.role desc nulls first, a.emp_no, a.project_id), array_agg(a.hours order by a.hours, a.emp_no, a.project_id) from hr.employees e join ops.assignment a on a.emp_no = e.emp_no where e.emp_no < 10100 group by e.dept_no order by e.dept_no nulls first",
  },
  {
    id: "x-percentile-per-group",
    covers:
      "percentile_cont (numeric cast to float8, interpolated) / percentile_disc (date, DESC) per group over a cross-service join",
    sql: "select e.dept_no, percentile_cont(0.5) within group (order by s.salary), percentile_cont(0.1) within group (order by s.salary desc), percentile_disc(0.25) within group (order by e.hire_date desc), count(*) from hr.employees e join crm.salaries s on s.emp_no = e.emp_no where e.emp_no < 10300 group by e.dept_no order by e.dept_no nulls first",
  },
  // ------------------------------------------------------------------ grouping / top-N pushed into one scan
  // (an uncorrelated subquery over another service makes these cross-service; its value is a parameter,
  // and the rest is one scan whose service gets the GROUP BY, ORDER BY and LIMIT)
  {
    id: "x-aggpush-one-scan",
    covers:
      "GROUP BY + count/sum/avg/min/max pushed into a MariaDB scan: NULL group, NULL inputs, count(col) vs count(*)",
    sql: "select e.manager_no, count(*), count(e.score), sum(e.score), avg(e.emp_no), min(e.hire_date), max(e.last_name) from hr.employees e where e.emp_no < (select max(emp_no) from crm.salaries) group by e.manager_no order by e.manager_no nulls first",
  },
  {
    id: "x-aggpush-having-expr-key",
    covers:
      "GROUP BY an expression with a constant (by position at the source), HAVING pushed, ORDER BY an aggregate",
    sql: "select s.emp_no % 7 as bucket, count(*) as n, sum(s.salary), avg(s.salary) from crm.salaries s where s.emp_no >= (select min(emp_no) from hr.employees) group by 1 having count(*) > 3 order by n desc, bucket",
  },
  {
    id: "x-aggpush-having-key",
    covers: "HAVING over a group key expression stays in memory; no rows and an empty-input global aggregate",
    sql: "select s.emp_no % 5 as bucket, sum(s.salary) from crm.salaries s where s.emp_no >= (select min(emp_no) from hr.employees) group by s.emp_no % 5 having s.emp_no % 5 > 1 order by 1",
  },
  {
    id: "x-aggpush-empty-global",
    covers: "a global aggregate over no rows: count 0, sum/avg/min NULL",
    sql: "select count(*), count(s.salary), sum(s.salary), avg(s.salary), min(s.from_date) from crm.salaries s where s.emp_no > (select max(emp_no) from hr.employees) + 1000000",
  },
  {
    id: "x-aggpush-within-group",
    covers:
      "WITHIN GROUP aggregates pushed with the grouping into a PostgreSQL scan (ORDER BY … DESC NULLS FIRST, hypothetical rank)",
    sql: "select s.emp_no % 3 as k, percentile_cont(0.5) within group (order by s.salary desc nulls first), mode() within group (order by s.to_date), rank(50000) within group (order by s.salary) from crm.salaries s where s.emp_no < (select min(emp_no) from hr.employees) + 200 group by 1 order by 1",
  },
  {
    id: "x-aggpush-topn-groups",
    covers:
      "top-N over pushed groups: ORDER BY an aggregate DESC + tie-break, LIMIT/OFFSET pushed as count+offset",
    sql: "select a.project_id, sum(a.hours) as h, count(*) from ops.assignment a where a.emp_no >= (select min(emp_no) from hr.employees) group by a.project_id order by h desc nulls last, a.project_id limit 5 offset 2",
  },
  {
    id: "x-topn-one-scan-nulls",
    covers:
      "ORDER BY a NULLable column DESC NULLS LAST / ASC (NULLS LAST default) + LIMIT pushed into a MariaDB scan",
    sql: "select e.emp_no, e.manager_no, e.score from hr.employees e where e.emp_no > (select min(emp_no) from crm.salaries) order by e.manager_no desc nulls last, e.score, e.emp_no limit 7",
  },
  {
    id: "x-topn-one-scan-nulls-first",
    covers:
      "ORDER BY … NULLS FIRST + LIMIT/OFFSET pushed into a PostgreSQL scan, a sort key outside the select list",
    sql: "select s.emp_no, s.from_date from crm.salaries s where s.salary > (select min(score) from hr.employees) order by s.to_date nulls first, s.salary desc, s.emp_no, s.from_date limit 4 offset 3",
  },
  {
    id: "x-subtree-hr-join-crm",
    covers:
      "two hr tables joined in hr (one remote join) with crm; WHERE on both hr tables and a NULL dept_no",
    sql: "select e.emp_no, d.dept_name, st.status from hr.employees e join hr.departments d on d.dept_no = e.dept_no join crm.employee_status st on st.emp_no = e.emp_no where d.dept_no <> 'd001' and e.emp_no < 10200 order by e.emp_no",
  },
  {
    id: "x-subtree-hr-left-join-crm",
    covers:
      "hr LEFT JOIN hr pushed whole (NULL-extended departments), its ON holding a filter on the nullable side, then crm",
    sql: "select e.emp_no, e.dept_no, d.dept_name, c.contact_id from hr.employees e left join hr.departments d on d.dept_no = e.dept_no and d.dept_no <> 'd002' left join crm.contact c on c.emp_no = e.emp_no where e.emp_no < 10100 order by e.emp_no, c.contact_id nulls first",
  },
  {
    id: "x-subtree-comma-hr-crm-hr",
    covers:
      "comma joins hr, crm, hr: the two hr tables regrouped into one remote join, SELECT * column order kept",
    sql: "select * from hr.departments d, crm.employee_status st, hr.employees e where e.dept_no = d.dept_no and st.emp_no = e.emp_no and e.emp_no < 10060 order by e.emp_no",
  },
  {
    id: "x-chain-bad-order",
    covers:
      "three-service inner chain written big-first: reordered by estimates, output order and results unchanged",
    sql: "select s.salary, a.project_id, p.name, s.emp_no from crm.salaries s join ops.assignment a on a.emp_no = s.emp_no join crm.project p on p.project_id = a.project_id join hr.employees e on e.emp_no = s.emp_no where p.project_id = 2 and e.gender is not null order by s.emp_no, s.salary, a.project_id",
  },
  {
    id: "x-chain-nulls-cross",
    covers:
      "inner chain with a NULL-able key (manager_no), a non-equality condition and a cross-service residual",
    sql: "select e.emp_no, m.emp_no as mgr, p.project_id from crm.project p join hr.employees e on e.emp_no = p.lead_emp_no join hr.employees m on m.emp_no = e.manager_no join ops.assignment a on a.project_id = p.project_id and a.hours > e.emp_no - e.emp_no where p.project_id <= 20 order by 1, 2, 3",
  },
  ...relationshipQueries,
];
