import type { Value } from "../common/values.ts";
import { dayNumber, formatDate, formatTimestamp } from "./dates.ts";
import { crmDdl, type DemoDatabase, demoCounts, hrDdl } from "./demo-tables.ts";
import { Prng } from "./prng.ts";
import {
  type Culture,
  companies,
  countries,
  cultures,
  departments,
  emojiTitles,
  formerAssignees,
  nicknames,
  secondGivenCharacters,
  todoTitles,
} from "./vocabulary.ts";

export const demoSeed = 20_240_501;

interface Person {
  first: string;
  last: string;
  gender: "M" | "F";
  culture: Culture;
}

/**
 * Generates both demo databases from one seeded PRNG stream. Same seed, same rows:
 * the order of draws below is part of the output, so changing it means bumping
 * demoGeneratorVersion.
 */
export function generateDemoData(seed = demoSeed): { hr: DemoDatabase; crm: DemoDatabase } {
  const rng = new Prng(seed);
  const contacts = generateContacts(rng);
  const employees = generateEmployees(rng);
  const todo = generateTodo(rng, contacts.displayNames);
  const statuses = generateStatuses(rng);
  return {
    hr: {
      service: "hr",
      ddl: [...hrDdl],
      tables: [
        {
          name: "departments",
          columns: ["dept_no", "dept_name"],
          rows: departments.map(([no, name]) => [no, name]),
        },
        {
          name: "employees",
          columns: [
            "emp_no",
            "birth_date",
            "first_name",
            "last_name",
            "gender",
            "hire_date",
            "dept_no",
            "email",
            "salary",
          ],
          rows: employees,
        },
        {
          name: "todo",
          columns: ["id", "title", "assigned_to", "done", "due_date", "created_at"],
          rows: todo,
        },
      ],
    },
    crm: {
      service: "crm",
      ddl: [...crmDdl],
      tables: [
        {
          name: "contact",
          columns: ["id", "display_name", "email", "phone", "company", "country", "created_at"],
          rows: contacts.rows,
        },
        { name: "employee_status", columns: ["emp_no", "status", "updated_at"], rows: statuses },
      ],
    },
  };
}

function pickPerson(rng: Prng): Person {
  const total = cultures.reduce((sum, c) => sum + c.weight, 0);
  let roll = rng.next() * total;
  let culture = cultures[0]!;
  for (const c of cultures) {
    roll -= c.weight;
    if (roll < 0) {
      culture = c;
      break;
    }
  }
  const [first, gender] = rng.pick(culture.firstNames);
  return { first, last: rng.pick(culture.lastNames), gender, culture };
}

/** Lower-case ASCII for e-mail local parts; empty when nothing Latin is left (e.g. 王芳). */
function asciiSlug(text: string): string {
  const folded: Record<string, string> = { ł: "l", Ł: "l", đ: "d", Đ: "d", ø: "o", Ø: "o", ß: "ss", ı: "i" };
  return text
    .replace(/[łŁđĐøØßı]/g, (ch) => folded[ch]!)
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "");
}

function timestampBetween(rng: Prng, from: string, to: string): string {
  return formatTimestamp(rng.int(dayNumber(from), dayNumber(to)), rng.int(0, 86_399));
}

function generateContacts(rng: Prng): { rows: Value[][]; displayNames: string[] } {
  const rows: Value[][] = [];
  const displayNames: string[] = [];
  const taken = new Set<string>();
  for (let id = 1; id <= demoCounts.contact; id++) {
    const p = pickPerson(rng);
    const nickname = nicknames[p.first];
    // Middle initials and second given-name characters keep "(2)" suffixes rare.
    const middle = rng.chance(0.85) ? ` ${String.fromCharCode(65 + rng.int(0, 25))}.` : "";
    const given = nickname && rng.chance(0.3) ? `${p.first} "${nickname}"` : `${p.first}${middle}`;
    const base = p.culture.familyFirst
      ? `${p.last}${p.first}${rng.chance(0.7) ? rng.pick(secondGivenCharacters) : ""}`
      : `${given} ${p.last}`;
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base} (${n})`;
    taken.add(name);
    displayNames.push(name);
    const company = rng.pick(companies);
    const local = [asciiSlug(p.first), asciiSlug(p.last)].filter(Boolean).join(".") || "contact";
    const domain = asciiSlug(company) || "example";
    const phone = rng.chance(0.25)
      ? null
      : `+${rng.int(1, 99)} ${rng.int(100, 999)} ${rng.int(1000000, 9999999)}`;
    rows.push([
      id,
      name,
      `${local}.${id}@${domain}.example`,
      phone,
      company,
      rng.pick(countries),
      timestampBetween(rng, "2015-01-01", "2024-12-31"),
    ]);
  }
  return { rows, displayNames };
}

function generateEmployees(rng: Prng): Value[][] {
  const rows: Value[][] = [];
  for (let i = 0; i < demoCounts.employees; i++) {
    const empNo = 10_001 + i;
    const p = pickPerson(rng);
    const birth = rng.int(dayNumber("1952-01-01"), dayNumber("2000-12-31"));
    const hire = Math.max(birth + 18 * 365 + rng.int(0, 3650), dayNumber("1985-01-01") + rng.int(0, 500));
    const local = [asciiSlug(p.first), asciiSlug(p.last)].filter(Boolean).join(".") || "employee";
    const email = rng.chance(0.1) ? null : `${local}.${empNo}@weft-demo.example`;
    const cents = rng.int(38_000_00, 158_000_00);
    rows.push([
      empNo,
      formatDate(birth),
      p.first,
      p.last,
      p.gender,
      formatDate(Math.min(hire, dayNumber("2024-06-30"))),
      rng.pick(departments)[0],
      email,
      `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`,
    ]);
  }
  return rows;
}

function generateTodo(rng: Prng, contactNames: readonly string[]): Value[][] {
  const rows: Value[][] = [];
  for (let id = 1; id <= demoCounts.todo; id++) {
    const template = rng.chance(0.03) ? rng.pick(emojiTitles) : rng.pick(todoTitles);
    const who = rng.pick(contactNames);
    const title = template
      .replace("{who}", who.split(" ")[0]!)
      .replace("{company}", rng.pick(companies))
      .replace("{n}", String(rng.int(100, 9999)))
      .replace("{q}", String(rng.int(1, 4)))
      .replace("{year}", String(rng.int(2019, 2024)));
    const roll = rng.next();
    // 85% a contact's display name, 10% unassigned, 5% a name no contact has (orphan key).
    const assignedTo =
      roll < 0.85 ? who : roll < 0.95 ? null : `${rng.pick(formerAssignees)} ${rng.int(1, 40)}`;
    const createdDay = rng.int(dayNumber("2022-01-01"), dayNumber("2024-12-31"));
    const due = rng.chance(0.3) ? null : formatDate(createdDay + rng.int(1, 120));
    rows.push([
      id,
      title,
      assignedTo,
      rng.chance(0.4) ? 1 : 0,
      due,
      formatTimestamp(createdDay, rng.int(0, 86_399)),
    ]);
  }
  return rows;
}

const statuses = ["active", "active", "active", "active", "active", "active", "leave", "terminated"] as const;

function generateStatuses(rng: Prng): Value[][] {
  const rows: Value[][] = [];
  let orphan = 0;
  for (let i = 0; i < demoCounts.employeeStatus; i++) {
    // ~2% of statuses point at employees hr does not have (orphan keys across services);
    // those employees then have no status row.
    const empNo = rng.chance(0.02) ? 90_001 + orphan++ : 10_001 + i;
    rows.push([empNo, rng.pick(statuses), timestampBetween(rng, "2023-01-01", "2024-12-31")]);
  }
  return rows;
}
