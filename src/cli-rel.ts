/**
 * `weft rel list | add | rm`: virtual relationships through a running Weft's HTTP API.
 * Exit codes: 0 ok, 1 the server refused or could not be reached, 2 bad usage.
 */
import { type Command, InvalidArgumentError } from "commander";

interface ApiOptions {
  url: string;
  key?: string;
}

interface RelJson {
  service: string;
  table: string;
  name: string;
  alias: string | null;
  type: string;
  field: string | string[];
  ref_service: string;
  ref_table: string;
  ref_field: string | string[];
  junction_service: string | null;
  junction_table: string | null;
  is_virtual: boolean;
  always_fetch: boolean;
}

class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export function registerRelCommands(program: Command): void {
  const rel = program
    .command("rel")
    .description("list, add and remove virtual relationships on a running Weft");
  const common = (cmd: Command) =>
    cmd
      .option("--url <url>", "HTTP address of the running server", "http://127.0.0.1:8433")
      .option("--key <key>", "admin API key (default: $WEFT_ADMIN_KEY)");

  common(
    rel
      .command("list")
      .description("relationships of every table, or of one service or table")
      .option("-s, --service <name>", "only this service")
      .option("-t, --table <name>", "only this table (needs --service)")
      .option("--json", "print the API's JSON"),
  ).action((opts: ApiOptions & { service?: string; table?: string; json?: boolean }) =>
    run("list", async () => {
      if (opts.table && !opts.service) throw new CliFailure("--table needs --service", 2);
      const services = opts.service
        ? [opts.service]
        : (
            (await call(opts, "GET", "/api/v2/_service")) as { resource: { name: string; status: string }[] }
          ).resource
            .filter((s) => s.status === "up")
            .map((s) => s.name);
      const all: RelJson[] = [];
      for (const service of services) {
        const tables = opts.table
          ? [opts.table]
          : (
              (await call(opts, "GET", `/api/v2/${enc(service)}/_schema`)) as { resource: { name: string }[] }
            ).resource.map((t) => t.name);
        for (const table of tables) {
          const path = `/api/v2/${enc(service)}/_schema/${enc(table)}/_related`;
          all.push(...((await call(opts, "GET", path)) as { resource: RelJson[] }).resource);
        }
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ resource: all }, null, 2)}\n`);
        return;
      }
      if (all.length === 0) process.stdout.write("no relationships\n");
      for (const r of all) process.stdout.write(`${describe(r)}\n`);
    }),
  );

  common(
    rel
      .command("add <service.table>")
      .description(
        "declare a relationship, e.g. weft rel add hr.todo --type belongs_to --field assigned_to --ref crm.contact.display_name",
      )
      .requiredOption(
        "--type <type>",
        "belongs_to | has_one | has_many | many_many",
        oneOf(["belongs_to", "has_one", "has_many", "many_many"]),
      )
      .requiredOption("--field <columns>", "key column(s) of this table, comma-separated")
      .requiredOption(
        "--ref <service.table.columns>",
        "the related table and its key column(s): crm.contact.id or crm.contact.a,b",
      )
      .option("--alias <alias>", "column name to use instead of the generated name")
      .option("--label <label>")
      .option("--description <text>")
      .option("--always-fetch", "part of SELECT * and of every API read of the table")
      .option("--junction <service.table>", "many_many: the junction table")
      .option("--junction-field <columns>", "many_many: junction column(s) matching --field")
      .option("--junction-ref-field <columns>", "many_many: junction column(s) matching the --ref columns")
      .option(
        "--key-comparison <how>",
        "exact | text | trim | casefold",
        oneOf(["exact", "text", "trim", "casefold"]),
      ),
  ).action(
    (
      target: string,
      opts: ApiOptions & {
        type: string;
        field: string;
        ref: string;
        alias?: string;
        label?: string;
        description?: string;
        alwaysFetch?: boolean;
        junction?: string;
        junctionField?: string;
        junctionRefField?: string;
        keyComparison?: string;
      },
    ) =>
      run("add", async () => {
        const [service, table] = splitTable(target, "<service.table>");
        const ref = /^([^.]+)\.([^.]+)\.(.+)$/.exec(opts.ref);
        if (!ref) throw new CliFailure("--ref must be <service>.<table>.<column>[,<column>…]", 2);
        const body: Record<string, unknown> = {
          type: opts.type,
          field: columns(opts.field),
          ref_service: ref[1],
          ref_table: ref[2],
          ref_field: columns(ref[3]!),
        };
        if (opts.alias !== undefined) body.alias = opts.alias;
        if (opts.label !== undefined) body.label = opts.label;
        if (opts.description !== undefined) body.description = opts.description;
        if (opts.alwaysFetch) body.always_fetch = true;
        if (opts.keyComparison) body.key_comparison = opts.keyComparison;
        if (opts.junction !== undefined) {
          const [junctionService, junctionTable] = splitTable(opts.junction, "--junction");
          body.junction_service = junctionService;
          body.junction_table = junctionTable;
        }
        if (opts.junctionField !== undefined) body.junction_field = columns(opts.junctionField);
        if (opts.junctionRefField !== undefined) body.junction_ref_field = columns(opts.junctionRefField);
        const created = (await call(
          opts,
          "POST",
          `/api/v2/${enc(service)}/_schema/${enc(table)}/_related`,
          body,
        )) as RelJson;
        process.stdout.write(`added ${describe(created)}\n`);
      }),
  );

  common(
    rel.command("rm <service.table> <names...>").description("remove relationships by name (all or none)"),
  ).action((target: string, names: string[], opts: ApiOptions) =>
    run("rm", async () => {
      const [service, table] = splitTable(target, "<service.table>");
      const query = new URLSearchParams({ names: names.join(",") });
      const removed = (await call(
        opts,
        "DELETE",
        `/api/v2/${enc(service)}/_schema/${enc(table)}/_related?${query}`,
      )) as { resource: RelJson[] };
      for (const r of removed.resource) process.stdout.write(`removed ${r.service}.${r.table} ${r.name}\n`);
    }),
  );
}

async function run(command: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    const failure = err instanceof CliFailure ? err : new CliFailure((err as Error).message, 1);
    process.stderr.write(`weft rel ${command}: ${failure.message}\n`);
    process.exit(failure.exitCode);
  }
}

async function call(opts: ApiOptions, method: string, path: string, body?: unknown): Promise<unknown> {
  const key = opts.key ?? process.env.WEFT_ADMIN_KEY;
  if (!key) throw new CliFailure("no API key: pass --key or set WEFT_ADMIN_KEY", 2);
  let response: Response;
  try {
    response = await fetch(new URL(path, opts.url), {
      method,
      headers: { "x-api-key": key, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new CliFailure(`cannot reach ${opts.url}: ${(err as Error).message}`, 1);
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    throw new CliFailure(`${response.status} ${response.statusText}: not JSON`, 1);
  }
  if (!response.ok) {
    const error = (json as { error?: { message?: string; context?: { field?: string } } } | null)?.error;
    const field = error?.context?.field ? ` (field ${error.context.field})` : "";
    throw new CliFailure(`${response.status}: ${error?.message ?? response.statusText}${field}`, 1);
  }
  return json;
}

function describe(r: RelJson): string {
  const list = (v: string | string[]) => (Array.isArray(v) ? v.join(",") : v);
  const via = r.junction_table ? ` via ${r.junction_service}.${r.junction_table}` : "";
  const flags = [r.is_virtual ? "virtual" : "foreign key", ...(r.always_fetch ? ["always_fetch"] : [])];
  const alias = r.alias ? ` (alias ${r.alias})` : "";
  return `${r.service}.${r.table} ${r.name}${alias}: ${r.type} (${list(r.field)}) → ${r.ref_service}.${r.ref_table} (${list(r.ref_field)})${via} [${flags.join(", ")}]`;
}

function splitTable(text: string, what: string): [string, string] {
  const m = /^([^.]+)\.([^.]+)$/.exec(text);
  if (!m) throw new CliFailure(`${what} must be <service>.<table>, got "${text}"`, 2);
  return [m[1]!, m[2]!];
}

function columns(text: string): string | string[] {
  const list = text.split(",").map((c) => c.trim());
  if (list.some((c) => c === "")) throw new CliFailure(`"${text}" is not a list of columns`, 2);
  return list.length === 1 ? list[0]! : list;
}

function oneOf(values: string[]) {
  return (value: string) => {
    if (!values.includes(value)) throw new InvalidArgumentError(`must be one of ${values.join(", ")}`);
    return value;
  };
}

const enc = encodeURIComponent;
