/**
 * The federated benchmark's corpus: statements that read tables of several services (hr and ops on
 * MariaDB, crm on PostgreSQL; bench/data/schema.ts). Each runs unchanged on Weft, on the FDW peer and on the
 * oracle. `selective` marks the selective cross-service joins, which have their own target (within 3× of
 * the oracle, where all tables are local). Sort orders are total so that the first rows of a LIMIT are the
 * same on every side.
 *
 * emp_no of the i-th employee is 10 000 + i (bench/data/generate.ts); departments d001..d020 are staffed
 * with a strong skew towards d001, so d019/d020 each hold under 2% of the employees.
 */

export type BenchCategory =
  | "selective join"
  | "aggregate"
  | "string-key join"
  | "semi join"
  | "anti join"
  | "top-N"
  | "many-to-many"
  | "outer join";

export interface BenchQuery {
  id: string;
  category: BenchCategory;
  /** a selective cross-service join: judged against the oracle (≤ 3×) as well */
  selective: boolean;
  /** what the query exercises */
  note: string;
  /** the differential corpus query it was drawn from (test/differential/queries.ts), when there is one */
  differentialId?: string;
  sql: string;
}

export const federatedBenchQueries: readonly BenchQuery[] = [
  {
    id: "sel-emp-salaries",
    category: "selective join",
    selective: true,
    note: "100 employees (hr, by key range) with all their salary rows (crm): a bind join's home ground",
    sql: `SELECT e.emp_no, e.last_name, s.salary, s.from_date, s.to_date
  FROM hr.employees e JOIN crm.salaries s ON s.emp_no = e.emp_no
 WHERE e.emp_no BETWEEN 10100 AND 10199
 ORDER BY e.emp_no, s.from_date`,
  },
  {
    id: "sel-salary-band-names",
    category: "selective join",
    selective: true,
    note: "a narrow salary band (crm) joined back to employees and departments (hr)",
    sql: `SELECT e.emp_no, e.first_name, d.dept_name, s.salary
  FROM crm.salaries s
  JOIN hr.employees e ON e.emp_no = s.emp_no
  LEFT JOIN hr.departments d ON d.dept_no = e.dept_no
 WHERE s.salary BETWEEN 50000.00 AND 50020.00
 ORDER BY s.salary, e.emp_no, s.from_date`,
  },
  {
    id: "sel-todo-contact-string",
    category: "string-key join",
    selective: true,
    note: "200 todos (hr) matched to contacts (crm) on a text key: todo.assigned_to = contact.display_name",
    sql: `SELECT t.id, t.title, c.contact_id, c.email, c.city
  FROM hr.todo t JOIN crm.contact c ON c.display_name = t.assigned_to
 WHERE t.id BETWEEN 1000 AND 1199
 ORDER BY t.id, c.contact_id`,
  },
  {
    id: "sel-project-team",
    category: "many-to-many",
    selective: true,
    note: "five projects (crm) → their assignments (ops) → the employees (hr): two cross-service hops",
    sql: `SELECT p.project_id, p.name, e.emp_no, e.last_name, a.role, a.hours
  FROM crm.project p
  JOIN ops.assignment a ON a.project_id = p.project_id
  JOIN hr.employees e ON e.emp_no = a.emp_no
 WHERE p.project_id BETWEEN 11 AND 15
 ORDER BY p.project_id, e.emp_no`,
  },
  {
    id: "sel-dept-current-salaries",
    category: "selective join",
    selective: true,
    note: "the current salaries of a small department: a filter on hr, a filter on crm, joined",
    sql: `SELECT e.emp_no, e.hire_date, s.salary
  FROM hr.employees e JOIN crm.salaries s ON s.emp_no = e.emp_no
 WHERE e.dept_no = 'd020' AND s.to_date = DATE '9999-01-01'
 ORDER BY e.emp_no`,
  },
  {
    id: "agg-salary-by-dept",
    category: "aggregate",
    selective: false,
    note: "every salary row (crm, ≈ 9 per employee) joined to employees and departments (hr), grouped",
    sql: `SELECT d.dept_name, count(*) AS n, sum(s.salary) AS total, round(avg(s.salary), 2) AS mean
  FROM crm.salaries s
  JOIN hr.employees e ON e.emp_no = s.emp_no
  JOIN hr.departments d ON d.dept_no = e.dept_no
 GROUP BY d.dept_name
 ORDER BY d.dept_name`,
  },
  {
    id: "agg-current-salary-by-gender",
    category: "aggregate",
    selective: false,
    note: "current salaries (crm) by employee attributes (hr), NULL groups included",
    sql: `SELECT e.gender, e.is_active, count(*) AS n, min(s.salary) AS lo, max(s.salary) AS hi
  FROM hr.employees e JOIN crm.salaries s ON s.emp_no = e.emp_no
 WHERE s.to_date = DATE '9999-01-01'
 GROUP BY e.gender, e.is_active
 ORDER BY e.gender NULLS FIRST, e.is_active`,
  },
  {
    id: "agg-status-by-dept",
    category: "outer join",
    selective: false,
    note: "employees (hr) left-joined to their status (crm), counted per department and status",
    sql: `SELECT e.dept_no, st.status, count(*) AS n
  FROM hr.employees e LEFT JOIN crm.employee_status st ON st.emp_no = e.emp_no
 GROUP BY e.dept_no, st.status
 ORDER BY e.dept_no NULLS FIRST, st.status NULLS FIRST`,
  },
  {
    id: "top-projects-by-hours",
    category: "top-N",
    selective: false,
    note: "all assignments (ops) summed per project (crm), top 20 by hours",
    sql: `SELECT p.project_id, p.name, count(*) AS people, sum(a.hours) AS hours
  FROM ops.assignment a JOIN crm.project p ON p.project_id = a.project_id
 GROUP BY p.project_id, p.name
 ORDER BY hours DESC, p.project_id
 LIMIT 20`,
  },
  {
    id: "top-earners",
    category: "top-N",
    selective: false,
    note: "the 10 highest current salaries (crm) with the employees' names (hr)",
    sql: `SELECT e.emp_no, e.first_name, e.last_name, s.salary
  FROM crm.salaries s JOIN hr.employees e ON e.emp_no = s.emp_no
 WHERE s.to_date = DATE '9999-01-01'
 ORDER BY s.salary DESC, e.emp_no
 LIMIT 10`,
  },
  {
    id: "semi-probation",
    category: "semi join",
    selective: false,
    note: "EXISTS: employees (hr) whose status (crm) is probation, counted per department",
    sql: `SELECT e.dept_no, count(*) AS n
  FROM hr.employees e
 WHERE EXISTS (SELECT 1 FROM crm.employee_status st WHERE st.emp_no = e.emp_no AND st.status = 'probation')
 GROUP BY e.dept_no
 ORDER BY e.dept_no NULLS FIRST`,
  },
  {
    id: "semi-in-contacts",
    category: "semi join",
    selective: true,
    note: "IN (subquery): contacts (crm) of the employees (hr) of one small department hired since 2020",
    sql: `SELECT c.contact_id, c.display_name, c.country
  FROM crm.contact c
 WHERE c.emp_no IN (SELECT emp_no FROM hr.employees WHERE dept_no = 'd019' AND hire_date >= DATE '2020-01-01')
 ORDER BY c.contact_id`,
  },
  {
    id: "anti-no-salary",
    category: "anti join",
    selective: false,
    note: "NOT EXISTS: employees (hr) without any salary row (crm), about 3%",
    sql: `SELECT e.emp_no, e.last_name
  FROM hr.employees e
 WHERE NOT EXISTS (SELECT 1 FROM crm.salaries s WHERE s.emp_no = e.emp_no)
 ORDER BY e.emp_no`,
  },
  {
    id: "anti-orphan-assignments",
    category: "anti join",
    selective: false,
    note: "NOT EXISTS the other way: assignments (ops) whose project (crm) does not exist",
    sql: `SELECT a.project_id, count(*) AS n
  FROM ops.assignment a
 WHERE NOT EXISTS (SELECT 1 FROM crm.project p WHERE p.project_id = a.project_id)
 GROUP BY a.project_id
 ORDER BY a.project_id`,
  },
  {
    id: "m2m-projects-per-dept",
    category: "many-to-many",
    selective: false,
    note: "employees (hr) × assignments (ops) × public projects (crm), distinct projects per department",
    sql: `SELECT e.dept_no, count(DISTINCT a.project_id) AS projects, count(*) AS assignments, sum(a.hours) AS hours
  FROM hr.employees e
  JOIN ops.assignment a ON a.emp_no = e.emp_no
  JOIN crm.project p ON p.project_id = a.project_id
 WHERE p.is_public
 GROUP BY e.dept_no
 ORDER BY e.dept_no NULLS FIRST`,
  },
  {
    id: "string-todo-contact-agg",
    category: "string-key join",
    selective: false,
    note: "every open todo (hr) joined to contacts (crm) on the text key, counted per country",
    sql: `SELECT c.country, count(*) AS n, count(DISTINCT t.emp_no) AS people
  FROM hr.todo t JOIN crm.contact c ON c.display_name = t.assigned_to
 WHERE NOT t.done
 GROUP BY c.country
 ORDER BY c.country NULLS FIRST`,
  },
];
