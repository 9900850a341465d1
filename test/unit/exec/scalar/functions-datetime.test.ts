import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import "../../../../src/exec/scalar/functions-datetime.ts";
import { type Case, call, describeCase, inZone, Oracle, oper, runOurs } from "./oracle-string.ts";

const stamps = [
  "2024-02-29 13:45:12.345678",
  "2023-12-31 23:59:59",
  "2021-01-01 00:00:00",
  "2024-03-31 02:30:00",
  "2024-10-27 02:30:00",
  "2024-03-10 02:30:00",
  "2024-11-03 01:30:00",
  "0044-03-15 12:00:00 BC",
  "0001-01-01 00:00:00",
  "infinity",
  "-infinity",
];
const zones = ["UTC", "Europe/Berlin", "America/New_York"];
const truncUnits = [
  "microseconds",
  "milliseconds",
  "second",
  "minute",
  "hour",
  "day",
  "week",
  "month",
  "quarter",
  "year",
  "decade",
  "century",
  "millennium",
];
const extractUnits = [
  ...truncUnits.filter((u) => u !== "microseconds" || true),
  "epoch",
  "dow",
  "isodow",
  "doy",
  "julian",
  "isoyear",
  "timezone",
  "timezone_hour",
  "timezone_minute",
];
const intervals = [
  "1 year 2 mons 3 days 04:05:06.789",
  "-1 mons -40 days 25:00:00",
  "1 day -1 second",
  "-2 years",
  "36 hours",
  "1.5 months",
  "-00:00:00.000001",
];

const cases: Case[] = [];
for (const ts of stamps) {
  for (const u of truncUnits) cases.push(call("date_trunc", ["text", "timestamp"], u, ts));
  for (const u of extractUnits) {
    cases.push(
      call("extract", ["text", "timestamp"], u, ts),
      call("date_part", ["text", "timestamp"], u, ts),
    );
  }
  cases.push(
    call(
      "to_char",
      ["timestamp", "text"],
      ts,
      'YYYY-MM-DD HH24:MI:SS.MS US Mon Month Day Dy FMMonth FMDD AM Q WW IW DDD D J CC TZ "lit" ddth',
    ),
  );
  for (const i of intervals)
    cases.push(oper("+", ["timestamp", "interval"], ts, i), oper("-", ["timestamp", "interval"], ts, i));
  cases.push(
    oper("-", ["timestamp", "timestamp"], ts, "2020-02-29 12:00:00"),
    call("age", ["timestamp", "timestamp"], ts, "2020-03-31 23:00:00"),
  );
  cases.push(call("age", ["timestamp", "timestamp"], "2001-01-31", ts));
  for (const z of zones) {
    const tz = `${ts === "infinity" || ts === "-infinity" ? ts : `${ts}+00`}`;
    for (const u of truncUnits) cases.push(inZone(z, call("date_trunc", ["text", "timestamptz"], u, tz)));
    for (const u of extractUnits)
      cases.push(
        inZone(z, call("extract", ["text", "timestamptz"], u, tz)),
        inZone(z, call("date_part", ["text", "timestamptz"], u, tz)),
      );
    for (const i of intervals)
      cases.push(
        inZone(z, oper("+", ["timestamptz", "interval"], tz, i)),
        inZone(z, oper("-", ["timestamptz", "interval"], tz, i)),
      );
    cases.push(inZone(z, call("to_char", ["timestamptz", "text"], tz, "YYYY-MM-DD HH24:MI:SS TZ OF")));
    cases.push(inZone(z, call("age", ["timestamptz", "timestamptz"], tz, "2020-03-29 01:30:00+00")));
    cases.push(inZone(z, call("date_trunc", ["text", "timestamptz", "text"], "day", tz, "Asia/Kolkata")));
    cases.push(
      inZone(z, call("timezone", ["text", "timestamptz"], "America/New_York", tz)),
      inZone(z, call("timezone", ["text", "timestamp"], "Europe/Berlin", ts)),
    );
  }
}
const dates = [
  "2024-02-29",
  "2023-01-01",
  "2020-12-31",
  "0001-01-01 BC",
  "infinity",
  "-infinity",
  "2000-03-01",
];
for (const d of dates) {
  for (const u of [
    "day",
    "month",
    "year",
    "week",
    "dow",
    "isodow",
    "doy",
    "julian",
    "epoch",
    "quarter",
    "decade",
    "century",
    "millennium",
    "isoyear",
    "hour",
  ]) {
    cases.push(call("extract", ["text", "date"], u, d), call("date_part", ["text", "date"], u, d));
  }
  cases.push(
    oper("+", ["date", "int4"], d, "1"),
    oper("-", ["date", "int4"], d, "366"),
    oper("+", ["int4", "date"], "-1", d),
  );
  cases.push(
    oper("-", ["date", "date"], d, "2000-01-01"),
    oper("+", ["date", "time"], d, "12:34:56.5"),
    oper("+", ["date", "interval"], d, "1 mon"),
    oper("-", ["date", "interval"], d, "1 day 1 hour"),
  );
}
for (const i of intervals) {
  for (const u of [...truncUnits, "epoch", "dow"])
    cases.push(call("extract", ["text", "interval"], u, i), call("date_part", ["text", "interval"], u, i));
  for (const u of truncUnits) cases.push(call("date_trunc", ["text", "interval"], u, i));
  cases.push(
    call("justify_days", ["interval"], i),
    call("justify_hours", ["interval"], i),
    call("justify_interval", ["interval"], i),
  );
  cases.push(
    oper("-", ["interval"], i),
    oper("+", ["interval", "interval"], i, "1 mon -1 day"),
    oper("-", ["interval", "interval"], i, "2 days 3 hours"),
  );
  for (const f of ["2", "0.5", "-1.5", "3.7", "0", "1e-7"])
    cases.push(oper("*", ["interval", "float8"], i, f), oper("/", ["interval", "float8"], i, f));
}
cases.push(
  call("date_trunc", ["text", "timestamp"], "foo", "2020-01-01"),
  call("date_trunc", ["text", "timestamp"], "dow", "2020-01-01"),
  call("date_trunc", ["text", "timestamp"], "YEAR", "2020-05-01"),
  call("extract", ["text", "timestamp"], "foo", "2020-01-01"),
  call("extract", ["text", "date"], "foo", "2020-01-01"),
  call("extract", ["text", "time"], "second", "13:14:15.5"),
  call("extract", ["text", "time"], "epoch", "13:14:15.5"),
  call("extract", ["text", "time"], "day", "13:14:15.5"),
  call("make_date", ["int4", "int4", "int4"], "2024", "2", "29"),
  call("make_date", ["int4", "int4", "int4"], "2023", "2", "29"),
  call("make_date", ["int4", "int4", "int4"], "-44", "3", "15"),
  call("make_date", ["int4", "int4", "int4"], "0", "1", "1"),
  call(
    "make_timestamp",
    ["int4", "int4", "int4", "int4", "int4", "float8"],
    "2024",
    "2",
    "29",
    "23",
    "59",
    "59.999999",
  ),
  call(
    "make_timestamp",
    ["int4", "int4", "int4", "int4", "int4", "float8"],
    "2024",
    "2",
    "29",
    "25",
    "0",
    "0",
  ),
  call(
    "make_timestamp",
    ["int4", "int4", "int4", "int4", "int4", "float8"],
    "2024",
    "2",
    "29",
    "1",
    "2",
    "3.5",
  ),
  call("to_date", ["text", "text"], "2024-02-29", "YYYY-MM-DD"),
  call("to_date", ["text", "text"], "05 Dec 2000", "DD Mon YYYY"),
  call("to_date", ["text", "text"], "2023-02-30", "YYYY-MM-DD"),
  inZone(
    "Europe/Berlin",
    call("to_timestamp", ["text", "text"], "2024-03-31 02:30:00", "YYYY-MM-DD HH24:MI:SS"),
  ),
  inZone(
    "America/New_York",
    call("to_timestamp", ["text", "text"], "2024-11-03 01:30:00 PM", "YYYY-MM-DD HH:MI:SS AM"),
  ),
  call("to_timestamp", ["float8"], "1700000000.5"),
  call("to_timestamp", ["float8"], "-1e15"),
  call("to_timestamp", ["float8"], "Infinity"),
  oper("-", ["date", "date"], "infinity", "2000-01-01"),
  oper("-", ["timestamp", "timestamp"], "infinity", "2000-01-01"),
  oper("+", ["date", "int4"], "5874897-12-31", "1"),
  oper("/", ["interval", "float8"], "1 day", "0"),
  oper("*", ["interval", "float8"], "1 day", "1e300"),
  oper("+", ["timestamp", "interval"], "2024-01-31 10:00", "1 mon"),
  oper("+", ["timestamp", "interval"], "2023-01-31 10:00", "1 mon 1 day"),
  oper("+", ["time", "interval"], "23:00", "2 hours"),
  oper("-", ["time", "time"], "01:00", "23:00"),
  call("age", ["timestamp", "timestamp"], "2024-03-01", "2023-02-28"),
  call("age", ["timestamp", "timestamp"], "2023-02-28", "2024-03-31 12:00"),
  call("age", ["timestamp", "timestamp"], "infinity", "2020-01-01"),
  inZone(
    "Europe/Berlin",
    call("date_trunc", ["text", "timestamptz", "text"], "day", "2024-01-01 00:00+00", "+02"),
  ),
  inZone(
    "Europe/Berlin",
    call("date_trunc", ["text", "timestamptz", "text"], "day", "2024-01-01 00:00+00", "Mars/Base"),
  ),
);

describe("date/time functions against PostgreSQL", () => {
  const oracle = new Oracle();
  before(() => oracle.connect());
  after(() => oracle.close());
  for (const c of cases) {
    const refusedHere = c.args.includes("+02");
    test(describeCase(c), async () => {
      const ours = runOurs(c);
      if (refusedHere) {
        assert.ok("error" in ours && ours.error.startsWith("0A000 "), JSON.stringify(ours));
        return;
      }
      assert.deepEqual(ours, await oracle.run(c));
    });
  }
});
