/**
 * Word lists the demo generator draws from. Deliberately awkward: accents, non-Latin
 * scripts, apostrophes, double quotes and backslashes, so every client and connector
 * path gets exercised on realistic-looking data.
 */

export interface Culture {
  weight: number;
  /** [name, gender] */
  firstNames: readonly (readonly [string, "M" | "F"])[];
  lastNames: readonly string[];
  /** display order: "family given" without a space (王芳) or "given family" */
  familyFirst: boolean;
}

export const cultures: readonly Culture[] = [
  {
    weight: 40,
    familyFirst: false,
    firstNames: [
      ["James", "M"],
      ["Mary", "F"],
      ["John", "M"],
      ["Patricia", "F"],
      ["Robert", "M"],
      ["Jennifer", "F"],
      ["Michael", "M"],
      ["Linda", "F"],
      ["William", "M"],
      ["Elizabeth", "F"],
      ["David", "M"],
      ["Susan", "F"],
      ["Thomas", "M"],
      ["Zoë", "F"],
      ["Siobhán", "F"],
      ["Seán", "M"],
      ["Chloé", "F"],
      ["Renée", "F"],
    ],
    lastNames: [
      "Smith",
      "Johnson",
      "Williams",
      "Brown",
      "Jones",
      "Miller",
      "Davis",
      "Wilson",
      "Anderson",
      "Taylor",
      "O'Brien",
      "O'Connor",
      "D'Angelo",
      "Smith-Jones",
      "van der Berg",
      "MacDonald",
      "Thompson",
      "White",
      "Harris",
      "Clark",
      "Lewis",
      "Walker",
      "Hall",
      "Young",
      "King",
      "Wright",
      "Scott",
      "Green",
      "Baker",
      "Adams",
      "Nelson",
      "Carter",
      "Mitchell",
      "Roberts",
    ],
  },
  {
    weight: 15,
    familyFirst: false,
    firstNames: [
      ["José", "M"],
      ["María", "F"],
      ["Jesús", "M"],
      ["Mónica", "F"],
      ["Andrés", "M"],
      ["Inés", "F"],
      ["João", "M"],
      ["Conceição", "F"],
    ],
    lastNames: ["García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Peña", "De la Cruz"],
  },
  {
    weight: 15,
    familyFirst: false,
    firstNames: [
      ["Łukasz", "M"],
      ["Małgorzata", "F"],
      ["Ðorđe", "M"],
      ["Jelena", "F"],
      ["Jürgen", "M"],
      ["Jörg", "M"],
      ["Björn", "M"],
      ["Søren", "M"],
      ["Åsa", "F"],
      ["Zoltán", "M"],
      ["Ayşe", "F"],
      ["İbrahim", "M"],
    ],
    lastNames: [
      "Nowak",
      "Wiśniewski",
      "Kowalczyk",
      "Đorđević",
      "Petrović",
      "Müller",
      "Schröder",
      "Øvergård",
      "Ødegaard",
      "Nagy",
      "Yılmaz",
      "Weiß",
    ],
  },
  {
    weight: 6,
    familyFirst: false,
    firstNames: [
      ["Дмитрий", "M"],
      ["Анна", "F"],
      ["Сергей", "M"],
      ["Ольга", "F"],
    ],
    lastNames: ["Иванов", "Смирнов", "Кузнецов", "Георгиев", "Попов"],
  },
  {
    weight: 4,
    familyFirst: false,
    firstNames: [
      ["Αλέξανδρος", "M"],
      ["Ελένη", "F"],
      ["Γιώργος", "M"],
    ],
    lastNames: ["Παπαδόπουλος", "Οικονόμου", "Νικολάου"],
  },
  {
    weight: 10,
    familyFirst: true,
    firstNames: [
      ["芳", "F"],
      ["伟", "M"],
      ["娜", "F"],
      ["强", "M"],
      ["秀英", "F"],
      ["翔太", "M"],
      ["静", "F"],
      ["敏", "F"],
      ["磊", "M"],
      ["洋", "M"],
      ["杰", "M"],
      ["陽菜", "F"],
    ],
    lastNames: ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "田中", "佐藤", "鈴木"],
  },
  {
    weight: 8,
    familyFirst: false,
    firstNames: [
      ["Priya", "F"],
      ["Aarav", "M"],
      ["Nguyễn Văn", "M"],
      ["Thị Lan", "F"],
      ["Oluwaseun", "M"],
      ["Ngozi", "F"],
    ],
    lastNames: ["Sharma", "Patel", "Trần", "Phạm", "Adébáyọ̀", "Okafor"],
  },
];

export const secondGivenCharacters: readonly string[] = ["明", "华", "丽", "英", "文", "玲", "子", "美"];

export const departments: readonly (readonly [string, string])[] = [
  ["d001", "Marketing"],
  ["d002", "Finance"],
  ["d003", "Human Resources"],
  ["d004", "Production"],
  ["d005", "Development"],
  ["d006", "Quality Management"],
  ["d007", "Sales"],
  ["d008", "Research"],
  ["d009", "Customer Service"],
];

export const companies: readonly string[] = [
  "Acme Corp",
  "Globex",
  "Initech",
  "Umbrella plc",
  "Stark Industries",
  "Wayne Enterprises",
  "O'Reilly & Partners",
  'Smith & "Sons" Ltd',
  "Back\\Slash Systems",
  "Müller GmbH",
  "Zürich Analytics AG",
  "Łódź Logistics",
  "Café Olé S.A.",
  "北京数据有限公司",
  "株式会社サクラ",
  "Nordlys AS",
];

export const countries: readonly string[] = [
  "United States",
  "United Kingdom",
  "Germany",
  "Poland",
  "Serbia",
  "Spain",
  "México",
  "Brazil",
  "China",
  "Japan",
  "India",
  "Norway",
  "Türkiye",
  "Côte d'Ivoire",
];

export const nicknames: Readonly<Record<string, string>> = {
  Robert: "Bob",
  William: "Bill",
  Elizabeth: "Liz",
  Michael: "Mike",
  James: "Jim",
};

/** `{who}` is a contact's given name, `{company}` a company, `{n}` a number, `{year}` a year. */
export const todoTitles: readonly string[] = [
  "Call {who} about the renewal",
  "Send invoice #{n} to {company}",
  "Review Q{q} budget",
  "Prepare onboarding for {who}",
  'Reply to "urgent" email from {company}',
  "Fix O'Brien's payroll record",
  "Archive C:\\Reports\\{year}\\summary.xlsx",
  "Update the price list (10% off, 50_50 deal)",
  "Schedule 1:1 with {who}",
  "Check {company}'s contract",
  "Translate brochure into Español and 中文",
  "Book flights to Zürich",
];

/** Titles with emoji: 4-byte UTF-8 characters (surrogate pairs in JS) in a few rows. */
export const emojiTitles: readonly string[] = [
  "🚀 Launch campaign {n}",
  "🎉 Plan the team party",
  "✅ Verify the backups",
  "🐛 Triage bug #{n}",
];

/** Names todo items are assigned to that match no contact: orphan keys for relationship tests. */
export const formerAssignees: readonly string[] = [
  "Former Contractor",
  "José Nobody",
  "Temp Worker",
  'Ex-Intern "Max"',
];
