/**
 * Makes postgres_fdw and mysql_fdw available on the PostgreSQL server the benchmark uses. postgres_fdw ships
 * with PostgreSQL; mysql_fdw is the Debian package postgresql-<major>-mysql-fdw, installed with apt-get when
 * its control file is missing (the server must be local for that, which is what this machine has).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export interface ExtensionSetup {
  /** what was done, in order, for the report */
  steps: string[];
  /** the installed mysql_fdw package version, when dpkg knows it */
  mysqlFdwPackage: string | null;
}

/** sharedir from pg_config of the server's major version, e.g. /usr/share/postgresql/15 */
function extensionDir(major: number): string {
  return `/usr/share/postgresql/${major}/extension`;
}

export function mysqlFdwPackageName(major: number): string {
  return `postgresql-${major}-mysql-fdw`;
}

function run(cmd: string, args: string[], log: (msg: string) => void): void {
  log(`$ ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, {
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (r.error) throw new Error(`${cmd} could not be run: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (exit ${r.status}):\n${(r.stderr || r.stdout).slice(-3000)}`,
    );
  }
}

function dpkgVersion(pkg: string): string | null {
  // dpkg-query expands ${Version} itself
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a dpkg-query format, not a template
  const r = spawnSync("dpkg-query", ["-W", "-f=${Version}", pkg], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

/**
 * Installs mysql_fdw for the given server major version when its extension files are missing. The check
 * looks at the local extension directory: a remote server (WEFT_TEST_PG_URL elsewhere) must have it already.
 */
export function ensureFdwPackages(major: number, log: (msg: string) => void): ExtensionSetup {
  const steps: string[] = [];
  const dir = extensionDir(major);
  if (!existsSync(`${dir}/postgres_fdw.control`)) {
    steps.push(`postgres_fdw.control not found in ${dir} (assuming a remote server that has it)`);
  }
  const pkg = mysqlFdwPackageName(major);
  if (existsSync(`${dir}/mysql_fdw.control`)) {
    steps.push(`mysql_fdw already installed (${pkg} ${dpkgVersion(pkg) ?? "version unknown"})`);
  } else {
    log(`mysql_fdw is missing: installing the Debian package ${pkg}`);
    run("apt-get", ["update", "-q"], log);
    run("apt-get", ["install", "-y", "-q", "--no-install-recommends", pkg], log);
    if (!existsSync(`${dir}/mysql_fdw.control`)) {
      throw new Error(`${pkg} was installed but ${dir}/mysql_fdw.control is still missing`);
    }
    steps.push(`installed ${pkg} ${dpkgVersion(pkg) ?? ""} with apt-get`.trim());
  }
  for (const s of steps) log(s);
  return { steps, mysqlFdwPackage: dpkgVersion(pkg) };
}
