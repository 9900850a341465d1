#!/usr/bin/python3
"""Drives a PostgreSQL endpoint (Weft, or a reference PostgreSQL) with SQLAlchemy over psycopg2:
reflection through the inspector (what ORMs and BI tools do), then Core selects.

Usage: /usr/bin/python3 sqlalchemy_check.py URL FACTS.json
Exits 0 when every check passed, 1 with "FAILED: ..." on the first that did not.
"""
import datetime
import decimal
import json
import re
import sys

from sqlalchemy import BIGINT, Date, MetaData, Numeric, Table, create_engine, func, inspect, select

passed = 0


class CheckFailed(Exception):
    pass


def check(ok, what):
    global passed
    if not ok:
        raise CheckFailed(what)
    passed += 1
    print("ok: " + what)


def equal(expected, actual, what):
    global passed
    if expected != actual or type(expected) is not type(actual):
        raise CheckFailed("%s: expected %r but got %r" % (what, expected, actual))
    passed += 1
    print("ok: %s = %r" % (what, actual))


def run(engine, facts):
    insp = inspect(engine)

    schemas = insp.get_schema_names()
    check("hr" in schemas and "crm" in schemas, "get_schema_names() has hr and crm: %r" % schemas)
    equal(["departments", "employees", "todo"], sorted(insp.get_table_names(schema="hr")), "hr tables")

    columns = insp.get_columns("employees", schema="hr")
    equal(facts["employeeColumns"], [c["name"] for c in columns], "hr.employees columns")
    by_name = {c["name"]: c for c in columns}
    # SQLite INTEGER is 64-bit: a bigint column
    check(isinstance(by_name["emp_no"]["type"], BIGINT), "emp_no is BIGINT: %r" % by_name["emp_no"]["type"])
    equal(False, by_name["emp_no"]["nullable"], "emp_no nullable")
    salary = by_name["salary"]["type"]
    check(isinstance(salary, Numeric), "salary is Numeric: %r" % salary)
    equal((10, 2), (salary.precision, salary.scale), "salary precision and scale")
    check(isinstance(by_name["birth_date"]["type"], Date), "birth_date is Date: %r" % by_name["birth_date"]["type"])
    equal(True, by_name["email"]["nullable"], "email nullable")

    pk = insp.get_pk_constraint("employees", schema="hr")
    equal(["emp_no"], pk["constrained_columns"], "primary key of hr.employees")

    fks = insp.get_foreign_keys("employees", schema="hr")
    dept_fks = [
        fk
        for fk in fks
        if fk["referred_table"] == "departments"
        and fk["referred_schema"] == "hr"
        and fk["constrained_columns"] == ["dept_no"]
        and fk["referred_columns"] == ["dept_no"]
    ]
    equal(1, len(dept_fks), "foreign keys of hr.employees to hr.departments(dept_no) in %r" % fks)

    employees = Table("employees", MetaData(), autoload_with=engine, schema="hr")
    check("departments" in {fk.column.table.name for fk in employees.foreign_keys}, "reflected Table has the FK")
    with engine.connect() as conn:
        for sample in facts["samples"]:
            row = conn.execute(
                select(employees.c.first_name, employees.c.birth_date, employees.c.salary).where(
                    employees.c.emp_no == sample["emp_no"]
                )
            ).one()
            equal(sample["first_name"], row.first_name, "first_name of %d" % sample["emp_no"])
            equal(datetime.date.fromisoformat(sample["birth_date"]), row.birth_date, "birth_date")
            expected_salary = None if sample["salary"] is None else decimal.Decimal(sample["salary"])
            equal(expected_salary, row.salary, "salary")
        count = conn.execute(select(func.count()).select_from(employees)).scalar_one()
        equal(facts["employeeCount"], count, "select count(*) from hr.employees")
        per_dept = conn.execute(
            select(employees.c.dept_no, func.count().label("n"))
            .group_by(employees.c.dept_no)
            .order_by(employees.c.dept_no)
        ).all()
        equal(
            [(d["dept_no"], d["count"]) for d in facts["employeesPerDepartment"]],
            [(r.dept_no, r.n) for r in per_dept],
            "employees per department",
        )
        last = conn.execute(select(employees.c.emp_no).order_by(employees.c.emp_no.desc()).limit(1)).scalar_one()
        equal(facts["maxEmpNo"], last, "order by emp_no desc limit 1")
        first = conn.execute(select(func.min(employees.c.emp_no))).scalar_one()
        equal(facts["minEmpNo"], first, "min(emp_no)")


def main():
    if len(sys.argv) != 3:
        print("usage: sqlalchemy_check.py URL FACTS.json", file=sys.stderr)
        return 2
    with open(sys.argv[2], encoding="utf-8") as f:
        facts = json.load(f)
    url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg2://", sys.argv[1])
    try:
        engine = create_engine(url, future=True)
        try:
            run(engine, facts)
        finally:
            engine.dispose()
    except CheckFailed as e:
        print("FAILED: %s" % e, file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001 - any other failure is a failed check too
        print("FAILED with %s after %d checks: %s" % (type(e).__name__, passed, e), file=sys.stderr)
        return 1
    print("sqlalchemy_check: %d checks passed" % passed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
