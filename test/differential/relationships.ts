/**
 * Virtual relationships declared on the differential dataset (through the Weft config, as a user
 * would): a string-keyed belongs_to whose keys carry quotes, non-ASCII, trailing spaces, case
 * variants and orphans; has_many with hundreds of children per parent; a many_many whose three
 * tables live in three services. The corpus's x-rel- queries read them and compare with oracle SQL
 * that spells out the documented semantics (docs/relationships.md).
 */
import type { TestRelationship } from "../support/weft.ts";

export const differentialRelationships: TestRelationship[] = [
  {
    service: "hr",
    table: "todo",
    type: "belongs_to",
    field: "assigned_to",
    ref_service: "crm",
    ref_table: "contact",
    ref_field: "display_name",
  },
  {
    service: "hr",
    table: "departments",
    type: "has_many",
    field: "dept_no",
    ref_table: "employees",
    ref_field: "dept_no",
  },
  {
    service: "hr",
    table: "employees",
    type: "has_many",
    field: "emp_no",
    ref_service: "crm",
    ref_table: "salaries",
    ref_field: "emp_no",
    alias: "salary_history",
  },
  {
    service: "hr",
    table: "employees",
    type: "many_many",
    field: "emp_no",
    ref_service: "crm",
    ref_table: "project",
    ref_field: "project_id",
    junction_service: "ops",
    junction_table: "assignment",
    junction_field: "emp_no",
    junction_ref_field: "project_id",
  },
  {
    service: "crm",
    table: "project",
    type: "belongs_to",
    field: "lead_emp_no",
    ref_service: "hr",
    ref_table: "employees",
    ref_field: "emp_no",
    always_fetch: true,
  },
];
