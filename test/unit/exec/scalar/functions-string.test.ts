import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import "../../../../src/exec/scalar/functions-string.ts";
import { PgError } from "../../../../src/common/pg-error.ts";
import { type Case, call, describeCase, Oracle, oper, runOurs } from "./oracle-string.ts";

const T = ["text"];
const TT = ["text", "text"];
const TTT = ["text", "text", "text"];
const TI = ["text", "int4"];
const samples = [
  "",
  "abc",
  "ÀÉÎõü",
  "straße",
  "ǆemal İstanbul ΣΑΣ",
  "emoji 😀👍🏽 x",
  "O'Neil-mc DONALD",
  "a\tb\nc",
  "  pad  ",
];

const cases: Case[] = [];
for (const s of samples) {
  for (const f of [
    "lower",
    "upper",
    "initcap",
    "length",
    "char_length",
    "character_length",
    "octet_length",
    "reverse",
    "md5",
    "ascii",
    "btrim",
    "ltrim",
    "rtrim",
    "quote_ident",
    "quote_literal",
  ])
    cases.push(call(f, T, s));
  cases.push(
    call("left", TI, s, "3"),
    call("left", TI, s, "-2"),
    call("right", TI, s, "2"),
    call("right", TI, s, "-3"),
  );
  cases.push(
    call("substring", ["text", "int4", "int4"], s, "2", "3"),
    call("substr", TI, s, "0"),
    call("substring", ["text", "int4", "int4"], s, "-1", "3"),
  );
  cases.push(
    call("lpad", ["text", "int4", "text"], s, "12", "xy😀"),
    call("rpad", ["text", "int4", "text"], s, "4", "-"),
    call("lpad", TI, s, "10"),
  );
  cases.push(call("repeat", TI, s, "3"), call("strpos", TT, s, "b"), call("position", TT, s, "😀"));
  cases.push(
    call("split_part", ["text", "text", "int4"], s, " ", "2"),
    call("split_part", ["text", "text", "int4"], s, " ", "-1"),
  );
  cases.push(call("translate", TTT, s, "aé😀", "X"), call("replace", TTT, s, "a", "<>"));
  cases.push(
    oper("||", TT, s, "ß"),
    oper("~~", TT, s, "%a%"),
    oper("~~*", TT, s, "%À%"),
    oper("!~~", TT, s, "_b_"),
    oper("!~~*", TT, s, "ABC"),
  );
}
cases.push(
  call("lower", T, null),
  call("substring", ["text", "int4", "int4"], "abc", "1", "-1"),
  call("substring", ["text", "int4", "int4"], "abcdef", "-3", "6"),
  call("btrim", TT, "xxhixyx", "xy"),
  call("ltrim", TT, "😀😀a😀", "😀"),
  call("rtrim", TT, "", "x"),
  call("split_part", ["text", "text", "int4"], "a,b,c", ",", "0"),
  call("split_part", ["text", "text", "int4"], "a,b,c", "", "1"),
  call("split_part", ["text", "text", "int4"], "a,b,c", "", "2"),
  call("split_part", ["text", "text", "int4"], "a,,c", ",", "5"),
  call("starts_with", TT, "alphabet", "alph"),
  call("starts_with", TT, "alphabet", ""),
  call("strpos", TT, "abc", ""),
  call("lpad", ["text", "int4", "text"], "hi", "5", ""),
  call("lpad", ["text", "int4", "text"], "hi", "-1", "x"),
  call("repeat", TI, "ab", "-1"),
  call("md5", ["bytea"], "\\x00ff"),
  call("to_hex", ["int4"], "255"),
  call("to_hex", ["int4"], "-1"),
  call("to_hex", ["int8"], "-9223372036854775808"),
  call("chr", ["int4"], "65"),
  call("chr", ["int4"], "128512"),
  call("chr", ["int4"], "0"),
  call("chr", ["int4"], "1114112"),
  call("chr", ["int4"], "55296"),
  call("ascii", T, "😀x"),
  call("octet_length", ["bytea"], "\\x0102"),
  call("length", ["bytea"], "\\x010203"),
  call("length", ["bpchar"], "ab  "),
  call("quote_ident", T, "select"),
  call("quote_ident", T, "name"),
  call("quote_ident", T, "Ab"),
  call("quote_ident", T, 'a"b'),
  call("quote_literal", T, "it's a \\ test"),
  call(
    "concat",
    ["text", "int4", "bool", "text", "date", "numeric"],
    "a",
    "1",
    "true",
    null,
    "2020-02-29",
    "1.50",
  ),
  call("concat", ["text"], null),
  call("concat_ws", ["text", "text", "int4", "text"], "-", "a", "2", null),
  call("concat_ws", ["text", "text"], null, "a"),
  call("format", ["text", "text", "text", "text"], "%s|%I|%L", "x", "Foo Bar", "it's"),
  call("format", ["text", "text", "text"], "%2$s %1$s %s", "a", "b"),
  call("format", ["text", "text"], "%L %s", null),
  call("format", ["text", "text"], "%I", null),
  call("format", ["text", "int4"], "%s %s", "1"),
  call("format", ["text", "int4"], "%x", "1"),
  call("format", ["text", "int4"], "100%% %s", "7"),
  call("format", ["text"], "plain"),
  oper("||", ["int4", "text"], "42", "x"),
  oper("||", ["text", "date"], "d=", "2024-02-29"),
  oper("||", ["text", "bool"], "b=", "false"),
  oper("||", ["text", "text"], "a", null),
  oper("~~", TT, "100%", "100\\%"),
  oper("~~", TT, "a_c", "a\\_c"),
  oper("~~", TT, "abc", "a\\_c"),
  oper("~~", TT, "ab", "ab\\"),
  oper("~~", TT, "a\nb", "a_b"),
  oper("~~", TT, "ÀB", "à%"),
  oper("~~*", TT, "ÀB", "à%"),
  oper("~~*", TT, "STRASSE", "straße"),
  call("like_escape", TT, "a#%b", "#"),
  call("like_escape", TT, "a\\%b", ""),
  call("like_escape", TT, "a%b", "##"),
  oper("~", TT, "foobar", "^fo+b"),
  oper("~", TT, "foo\nbar", "foo.bar"),
  oper("~", TT, "foo\nbar", "^bar"),
  oper("~", TT, "abc", "a|x"),
  oper("~*", TT, "FOO", "^f[a-o]+$"),
  oper("!~", TT, "abc", "\\d"),
  oper("!~*", TT, "ABC", "b"),
  oper("~", TT, "a1b2", "[[:digit:]]b"),
  oper("~", TT, "x]y", "[]]"),
  oper("~", TT, "hello world", "\\yworld\\y"),
  oper("~", TT, "a(b", "a\\(b"),
  oper("~", TT, "aa", "(a)\\1"),
  oper("~", TT, "abc", "a{2,1}"),
  oper("~", TT, "abc", "(ab"),
  oper("~", TT, "😀", "^.$"),
  call("regexp_replace", TTT, "foobarbaz", "b..", "X"),
  call("regexp_replace", ["text", "text", "text", "text"], "foobarbaz", "b(.)(.)", "<\\2\\1\\&\\\\\\x>", "g"),
  call("regexp_replace", ["text", "text", "text", "text"], "ABCabc", "b", "-", "gi"),
  call("regexp_replace", ["text", "text", "text", "text"], "abc", "", "-", "g"),
  call("regexp_replace", ["text", "text", "text", "text"], "a😀b", "", "-", "g"),
  call("regexp_replace", ["text", "text", "text", "text"], "abc", "b", "\\3", "g"),
  call("regexp_replace", ["text", "text", "text", "text"], "abc", "b", "x", "z"),
  call("regexp_match", TT, "foobarbequebaz", "(bar)(beque)"),
  call("regexp_match", TT, "foobar", "o+"),
  call("regexp_match", TT, "foobar", "x"),
  call("regexp_match", TT, "ab", "(a)(x)?"),
  call("regexp_match", TTT, "FOO", "o+", "i"),
  call("regexp_match", TTT, "foo", "o", "g"),
  call("substring", TT, "Thomas", "...$"),
  call("substring", TT, "Thomas", "t(o)m"),
);

describe("string functions against PostgreSQL", () => {
  const oracle = new Oracle();
  before(() => oracle.connect());
  after(() => oracle.close());
  for (const c of cases) {
    test(describeCase(c), async () => {
      assert.deepEqual(runOurs(c), await oracle.run(c));
    });
  }
});

describe("string features refused instead of answered differently", () => {
  const refused: Case[] = [
    call("regexp_replace", TTT, "abc", "a|ab", "X"),
    call("regexp_match", TT, "abc", "a+?"),
    call("regexp_match", TT, "abc", "(?i)A"),
    call("regexp_replace", ["text", "text", "text", "text"], "abc", "b", "x", "x"),
    call("format", ["text", "text"], "%10s", "a"),
    oper("~", TT, "abc", "\\mabc"),
  ];
  for (const c of refused) {
    test(describeCase(c), () => {
      const r = runOurs(c);
      assert.ok("error" in r && r.error.startsWith("0A000 "), JSON.stringify(r));
    });
  }
  test("the error is a PgError", () => {
    assert.ok(new PgError("0A000", "x") instanceof Error);
  });
});
