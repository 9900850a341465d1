/**
 * weft serve | check | refresh | rel. Exit codes: 0 ok, 1 failure at run time, 2 bad
 * configuration or usage.
 */
import { Command, InvalidArgumentError } from "commander";
import { registerRelCommands } from "./cli-rel.ts";
import {
  applyEnvOverrides,
  ConfigError,
  demoAdminKey,
  demoConfig,
  demoDataDir,
  loadConfig,
  type WeftConfig,
} from "./config.ts";
import { createConnector } from "./connectors/registry.ts";
import { ensureDemoData } from "./demo/index.ts";
import { startWeft } from "./main.ts";
import { weftVersion } from "./version.ts";

const program = new Command()
  .name("weft")
  .description("A virtual database: one PostgreSQL endpoint in front of many databases.")
  .version(weftVersion, "-v, --version")
  .showHelpAfterError()
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

program
  .command("serve")
  .description("run Weft; without --config it runs the embedded demo (two SQLite services, hr and crm)")
  .option("-c, --config <file>", "YAML config file")
  .option("-p, --port <port>", "SQL (PostgreSQL wire) port", parsePort)
  .option("--http-port <port>", "HTTP API port", parsePort)
  .option("--state-dir <dir>", "state directory for the demo (default ./.weft)")
  .action(async (opts: { config?: string; port?: number; httpPort?: number; stateDir?: string }) => {
    let config = await readConfig(opts.config, opts.stateDir);
    if (opts.port !== undefined) config = { ...config, listen: { ...config.listen, port: opts.port } };
    if (opts.httpPort !== undefined)
      config = { ...config, listen: { ...config.listen, httpPort: opts.httpPort } };
    if (!opts.config) {
      process.stderr.write("Preparing the embedded demo data…\n");
      await ensureDemoData(demoDataDir(config.stateDir), (msg) => process.stderr.write(`  ${msg}\n`));
    }
    const weft = await startWeft(config);
    const host = config.listen.host === "0.0.0.0" ? "127.0.0.1" : config.listen.host;
    const user = config.users[0]?.name ?? "weft";
    process.stderr.write(
      `\nWeft ${weftVersion} is listening on ${config.listen.host}:${weft.sqlPort} (SQL) and :${weft.httpPort} (HTTP).\n` +
        (opts.config ? "" : "Demo login: user weft, password weft.\n") +
        `Connect with:\n  psql "postgresql://${user}@${host}:${weft.sqlPort}/${config.database}"\n` +
        (opts.config
          ? "\n"
          : `Admin API (key ${demoAdminKey}):\n  WEFT_ADMIN_KEY=${demoAdminKey} weft rel list --url http://${host}:${weft.httpPort}\n\n`),
    );
    const stop = async () => {
      await weft.close();
      process.exit(0);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });

program
  .command("check")
  .description("validate the config, connect to every service and list its tables with row estimates")
  .requiredOption("-c, --config <file>", "YAML config file")
  .action(async (opts: { config: string }) => {
    const config = await readConfig(opts.config);
    process.stdout.write(`config ${opts.config}: ok (${config.services.length} services)\n`);
    let failures = 0;
    for (const service of config.services) {
      const connector = createConnector(service);
      process.stdout.write(`\nservice ${service.name} (${service.kind}): connecting…\n`);
      try {
        await connector.connect();
        const schema = await connector.introspect(({ table, done, total }) => {
          process.stderr.write(`  [${done}/${total}] ${table}\n`);
        });
        process.stdout.write(`service ${service.name}: up, ${schema.tables.length} tables\n`);
        for (const t of schema.tables) {
          const rows = t.rowEstimate < 0 ? "unknown" : `~${t.rowEstimate}`;
          process.stdout.write(
            `  ${t.kind === "view" ? "view " : "table"} ${t.name}  (${t.columns.length} columns, ${rows} rows)\n`,
          );
        }
      } catch (err) {
        failures++;
        process.stdout.write(`service ${service.name}: DOWN — ${(err as Error).message}\n`);
      } finally {
        await connector.close().catch(() => {});
      }
    }
    process.exit(failures > 0 ? 1 : 0);
  });

program
  .command("refresh")
  .description("ask a running Weft to re-introspect its services (all, or one)")
  .option("-c, --config <file>", "config file of the running server (to find its HTTP port)")
  .option("--url <url>", "HTTP address of the running server", "")
  .option("-s, --service <name>", "only this service")
  .option("--key <key>", "admin API key (default: $WEFT_ADMIN_KEY)")
  .action(async (opts: { config?: string; url: string; service?: string; key?: string }) => {
    let base = opts.url;
    if (!base) {
      const config = opts.config ? await readConfig(opts.config) : demoConfig(".weft");
      const host = config.listen.host === "0.0.0.0" ? "127.0.0.1" : config.listen.host;
      base = `http://${host}:${config.listen.httpPort}`;
    }
    const url = new URL("/api/v2/_refresh", base);
    if (opts.service) url.searchParams.set("service", opts.service);
    let response: Response;
    try {
      // without a config file the target is the demo, whose key is known
      const key = opts.key ?? process.env.WEFT_ADMIN_KEY ?? (opts.config ? undefined : demoAdminKey);
      response = await fetch(url, { method: "POST", headers: key ? { "x-api-key": key } : {} });
    } catch (err) {
      process.stderr.write(`weft refresh: cannot reach ${base}: ${(err as Error).message}\n`);
      process.exit(1);
    }
    const body = (await response.json()) as {
      resource?: { service: string; status: string; tables: number; error?: string }[];
      error?: { message: string };
    };
    if (!response.ok || !body.resource) {
      process.stderr.write(`weft refresh: ${body.error?.message ?? response.statusText}\n`);
      process.exit(1);
    }
    for (const r of body.resource) {
      process.stdout.write(
        `${r.service}: ${r.status}, ${r.tables} tables${r.error ? ` — ${r.error}` : ""}\n`,
      );
    }
    process.exit(body.resource.every((r) => r.status === "up") ? 0 : 1);
  });

registerRelCommands(program);

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError("must be a port number (0-65535)");
  return n;
}

async function readConfig(path: string | undefined, stateDir = ".weft"): Promise<WeftConfig> {
  try {
    return applyEnvOverrides(path ? await loadConfig(path) : demoConfig(stateDir), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`weft: invalid configuration: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`weft: ${(err as Error).message}\n`);
  process.exit(1);
}
