#!/usr/bin/python3
"""Drives a PostgreSQL endpoint (Weft, or a reference PostgreSQL) with psycopg2 (libpq).

Usage: /usr/bin/python3 psycopg2_check.py URL FACTS.json
Exits 0 when every check passed, 1 with "FAILED: ..." on the first that did not.
"""
import datetime
import decimal
import json
import sys

import psycopg2
import psycopg2.errors
import psycopg2.extensions as ext

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


def expect_status(conn, status, tx_status, what):
    equal(status, conn.status, what + ": conn.status")
    equal(tx_status, conn.info.transaction_status, what + ": conn.info.transaction_status")


def run(conn, facts):
    expect_status(conn, ext.STATUS_READY, ext.TRANSACTION_STATUS_IDLE, "after connect")

    with conn.cursor() as cur:
        cur.execute("select current_database()")
        equal(facts["database"], cur.fetchone()[0], "current_database()")
    # psycopg2 opened a transaction (BEGIN) before the first statement
    expect_status(conn, ext.STATUS_BEGIN, ext.TRANSACTION_STATUS_INTRANS, "after a select")
    conn.rollback()
    expect_status(conn, ext.STATUS_READY, ext.TRANSACTION_STATUS_IDLE, "after rollback")

    # %s parameters, and the Python types libpq results map to
    with conn.cursor() as cur:
        for sample in facts["samples"]:
            cur.execute(
                "select emp_no, first_name, birth_date, salary from hr.employees where emp_no = %s",
                (sample["emp_no"],),
            )
            rows = cur.fetchall()
            equal(1, len(rows), "rows for emp_no %d" % sample["emp_no"])
            emp_no, first_name, birth_date, salary = rows[0]
            equal(sample["emp_no"], emp_no, "emp_no")
            equal(sample["first_name"], first_name, "first_name of %d" % emp_no)
            equal(datetime.date.fromisoformat(sample["birth_date"]), birth_date, "birth_date of %d" % emp_no)
            expected_salary = None if sample["salary"] is None else decimal.Decimal(sample["salary"])
            equal(expected_salary, salary, "salary (Decimal) of %d" % emp_no)
            if salary is not None:
                equal(sample["salary"], str(salary), "salary text keeps its scale")
        for dept in facts["employeesPerDepartment"]:
            cur.execute(
                "select count(*) from hr.employees where dept_no = %s and emp_no between %s and %s",
                (dept["dept_no"], facts["minEmpNo"], facts["maxEmpNo"]),
            )
            equal(dept["count"], cur.fetchone()[0], "employees in %s" % dept["dept_no"])
        cur.execute("select %s::text, %s::int + 1, %s", ("Zoë ☃ 日本語 🎉 O'Brien \\ \"q\"", 41, None))
        equal(("Zoë ☃ 日本語 🎉 O'Brien \\ \"q\"", 42, None), cur.fetchone(), "non-ASCII parameter round trip")
    conn.commit()
    expect_status(conn, ext.STATUS_READY, ext.TRANSACTION_STATUS_IDLE, "after commit")

    # server-side (named) cursor: DECLARE … then FETCH FORWARD itersize
    with conn.cursor(name="weft_employees") as cur:
        cur.itersize = 100
        cur.execute("select emp_no, first_name from hr.employees order by emp_no")
        count = 0
        total = 0
        previous = None
        for emp_no, first_name in cur:
            if previous is not None and emp_no <= previous:
                raise CheckFailed("named cursor: emp_no not increasing: %r then %r" % (previous, emp_no))
            if first_name is None:
                raise CheckFailed("named cursor: first_name null for %r" % emp_no)
            previous = emp_no
            count += 1
            total += emp_no
        equal(facts["employeeCount"], count, "rows through a named cursor with itersize 100")
        equal(facts["empNoSum"], total, "sum of emp_no through the named cursor")
        equal(facts["maxEmpNo"], previous, "last emp_no through the named cursor")
    expect_status(conn, ext.STATUS_BEGIN, ext.TRANSACTION_STATUS_INTRANS, "inside the cursor's transaction")
    conn.commit()
    expect_status(conn, ext.STATUS_READY, ext.TRANSACTION_STATUS_IDLE, "after committing the cursor")

    # an error aborts the transaction until rollback
    with conn.cursor() as cur:
        try:
            cur.execute("select * from hr.nope")
            raise CheckFailed("select * from hr.nope succeeded")
        except psycopg2.errors.UndefinedTable as e:
            equal("42P01", e.pgcode, "pgcode of a missing table")
            check('relation "hr.nope" does not exist' in e.pgerror, "error text: " + e.pgerror.strip())
        expect_status(conn, ext.STATUS_BEGIN, ext.TRANSACTION_STATUS_INERROR, "after an error")
        try:
            cur.execute("select 1")
            raise CheckFailed("a statement in an aborted transaction succeeded")
        except psycopg2.errors.InFailedSqlTransaction as e:
            equal("25P02", e.pgcode, "pgcode in an aborted transaction")
    conn.rollback()
    expect_status(conn, ext.STATUS_READY, ext.TRANSACTION_STATUS_IDLE, "after rolling back the error")
    with conn.cursor() as cur:
        cur.execute("select count(*) from hr.departments")
        check(cur.fetchone()[0] > 0, "the connection answers after the rollback")
    conn.rollback()

    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("select count(*) from hr.employees")
        equal(facts["employeeCount"], cur.fetchone()[0], "count(*) in autocommit mode")
    expect_status(conn, ext.STATUS_READY, ext.TRANSACTION_STATUS_IDLE, "autocommit leaves no transaction open")


def main():
    if len(sys.argv) != 3:
        print("usage: psycopg2_check.py URL FACTS.json", file=sys.stderr)
        return 2
    with open(sys.argv[2], encoding="utf-8") as f:
        facts = json.load(f)
    try:
        conn = psycopg2.connect(sys.argv[1], application_name="psycopg2_check")
        try:
            run(conn, facts)
        finally:
            conn.close()
    except CheckFailed as e:
        print("FAILED: %s" % e, file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001 - any other failure is a failed check too
        print("FAILED with %s after %d checks: %s" % (type(e).__name__, passed, e), file=sys.stderr)
        return 1
    print("psycopg2_check: %d checks passed" % passed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
