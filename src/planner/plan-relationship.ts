/**
 * Plans the relationship columns a query reads (plan-relationship-catalog.ts makes them columns
 * of their table): a `relationship-fetch` node right above the table's scan, before any join,
 * computes them, so WHERE, ORDER BY and GROUP BY read them like any json column.
 *
 * Keys are compared as the relationship's key_comparison says, always exactly in memory:
 * - exact: both sides in their common type (PostgreSQL's `=` after implicit casts); the batch
 *   sends the keys converted to the related column's type;
 * - text / trim / casefold: both sides as `x::text`, `rtrim(x::text)`, `lower(x::text)`; against
 *   a text column the batch sends those values with the same function applied to the column
 *   (`rtrim(col) = ANY($n)`); against another type it sends the values that parse as that type
 *   (a value that does not parse equals no value's text).
 * A predicate the service evaluates more loosely (a case-insensitive collation) only fetches
 * more rows, which the in-memory comparison drops.
 */
import type { Node } from "@pgsql/types";
import type { Relationship } from "../catalog/relationships/types.ts";
import { PgError, SqlState } from "../common/pg-error.ts";
import { arrayOf, Oid, type TypeOid } from "../common/pg-types.ts";
import type { SourceTable } from "../connectors/spi.ts";
import { columnRef, funcCall, rangeVar, resTarget, selectStmt } from "./ast-nodes.ts";
import { type BindContext, bindExpr, castTo } from "./bind-expr.ts";
import type { BoundExpr } from "./bound-expr.ts";
import { estimateRows } from "./estimate.ts";
import { withKeyFilters } from "./fragment-key-filter-many.ts";
import { relationshipAt, relationshipColumnName, tableRelationships } from "./plan-relationship-catalog.ts";
import type { PlanInput, Scan } from "./plan-select.ts";
import type {
  PlanColumn,
  QueryPlan,
  RelationshipFetch,
  RelationshipStep,
  RemoteScanPlan,
} from "./query-plan.ts";

/** Adds the key columns of every relationship column in `needed` (full-width indexes) to it. */
export function addRelationshipKeys(scans: readonly Scan[], needed: Set<number>): void {
  for (const s of scans) {
    const info = tableRelationships(s.table);
    if (!info || s.derived || s.apply || s.lateral) continue;
    const width = info.base.columns.length;
    info.relationships.forEach((r, i) => {
      if (!needed.has(s.offset + width + i)) return;
      for (const f of r.field) needed.add(s.offset + columnIndex(info.base, f, r));
    });
  }
}

/** The real columns among a scan's columns (table indexes), the ones its service returns. */
export function realColumns(table: SourceTable, cols: readonly number[]): number[] {
  return cols.filter((i) => relationshipAt(table, i) === null);
}

/**
 * The scan's plan (returning `realColumns(cols)`) with the relationship columns among `cols`
 * appended by a fetch node; the plan itself when it reads none.
 */
export function withRelationshipFetch(
  plan: QueryPlan,
  scan: Scan,
  cols: readonly number[],
  input: PlanInput,
): QueryPlan {
  const rels = cols.map((i) => relationshipAt(scan.table, i)).filter((r): r is Relationship => r !== null);
  if (rels.length === 0) return plan;
  const real = realColumns(scan.table, cols);
  const parent = (name: string, r: Relationship): BoundExpr => {
    const i = columnIndex(tableRelationships(scan.table)!.base, name, r);
    const at = real.indexOf(i);
    const c = scan.table.columns[i];
    if (at < 0) throw new PgError(SqlState.internalError, `key column "${name}" is not in the scan`);
    return { kind: "column", index: at, type: c.type.oid, typmod: c.type.typmod };
  };
  const fetches = rels.map((r) => planFetch(r, (name) => parent(name, r), input));
  return {
    kind: "relationship-fetch",
    input: plan,
    fetches,
    columns: [
      ...plan.columns,
      ...fetches.map((f) => ({ name: f.column, oid: Oid.json as TypeOid, typmod: -1 })),
    ],
    estimate: plan.estimate,
  };
}

function planFetch(
  r: Relationship,
  parent: (name: string) => BoundExpr,
  input: PlanInput,
): RelationshipFetch {
  const target = baseTable(r.ref_service, r.ref_table, input);
  const targetColumns: PlanColumn[] = target.columns.map((c) => ({
    name: c.name,
    oid: c.type.oid,
    typmod: c.type.typmod,
  }));
  const targetScan = remoteScan(
    r.ref_service,
    target,
    "r",
    target.columns.map((c) => c.name),
    input,
  );
  const targetKey = (name: string): BoundExpr => {
    const i = columnIndex(target, name, r);
    return {
      kind: "column",
      index: i,
      type: target.columns[i].type.oid,
      typmod: target.columns[i].type.typmod,
    };
  };
  const pk = target.primaryKey?.columns.map((c) => columnIndex(target, c, r));
  const orderBy = pk && pk.length > 0 ? pk : target.columns.map((_, i) => i);
  const common = {
    column: relationshipColumnName(r),
    relationship: r.name,
    type: r.type,
    keyComparison: r.key_comparison,
    targetColumns,
    orderBy,
  };
  if (r.type !== "many_many") {
    const pairs = r.field.map((f, i) => keyPair(parent(f), targetKey(r.ref_field[i]), r, input));
    return {
      ...common,
      parentKeys: pairs.map((p) => p.left),
      steps: [step(targetScan, "r", r.ref_field, pairs, input)],
    };
  }
  if (!r.junction_service || !r.junction_table || !r.junction_field || !r.junction_ref_field)
    throw new PgError(SqlState.internalError, `many_many relationship "${r.name}" has no junction`);
  const junction = baseTable(r.junction_service, r.junction_table, input);
  const jNames = [...r.junction_field, ...r.junction_ref_field];
  const jScan = remoteScan(r.junction_service, junction, "j", jNames, input);
  const jKey = (k: number): BoundExpr => {
    const i = columnIndex(junction, jNames[k], r);
    return {
      kind: "column",
      index: k,
      type: junction.columns[i].type.oid,
      typmod: junction.columns[i].type.typmod,
    };
  };
  const first = r.field.map((f, i) => keyPair(parent(f), jKey(i), r, input));
  const second = r.ref_field.map((f, i) =>
    keyPair(jKey(r.junction_field!.length + i), targetKey(f), r, input),
  );
  return {
    ...common,
    parentKeys: first.map((p) => p.left),
    steps: [
      { ...step(jScan, "j", r.junction_field, first, input), nextKeys: second.map((p) => p.left) },
      step(targetScan, "r", r.ref_field, second, input),
    ],
  };
}

interface KeyPair {
  /** the near side, normalised */
  left: BoundExpr;
  /** the fetched side's column, normalised */
  right: BoundExpr;
  type: TypeOid;
  /** the fetched column as the batch predicate reads it, and the conversion of a normalised key */
  remote: (alias: string, column: string) => Node;
  toRemote: BoundExpr;
  remoteType: TypeOid;
}

const textLike = new Set<number>([Oid.text, Oid.varchar, Oid.bpchar, Oid.name]);

function keyPair(left: BoundExpr, right: BoundExpr, r: Relationship, input: PlanInput): KeyPair {
  const ctx: BindContext = {
    scalars: input.scalars,
    paramTypes: input.paramTypes,
    columns: () => {
      throw new PgError(SqlState.internalError, "no columns here");
    },
  };
  const key0 = (type: TypeOid): BoundExpr => ({ kind: "column", index: 0, type, typmod: -1 });
  if (r.key_comparison === "exact") {
    let type: TypeOid;
    try {
      type = input.scalars.commonType([left.type, right.type], "relationship key");
    } catch {
      throw new PgError(
        SqlState.datatypeMismatch,
        `relationship "${r.name}": key types cannot be compared exactly; declare a key_comparison`,
      );
    }
    const textual = type === Oid.text && textLike.has(right.type);
    return {
      left: castTo(left, type, -1, "implicit", ctx),
      right: castTo(right, type, -1, "implicit", ctx),
      type,
      remote: (alias, column) => columnRef([alias, column]),
      toRemote: textual ? key0(type) : castTo(key0(type), right.type, -1, "explicit", ctx),
      remoteType: textual ? type : right.type,
    };
  }
  const fn = r.key_comparison === "trim" ? "rtrim" : r.key_comparison === "casefold" ? "lower" : null;
  const normalise = (e: BoundExpr): BoundExpr => {
    const text = castTo(e, Oid.text, -1, "explicit", ctx);
    if (!fn) return text;
    return bindExpr(funcCall(fn, [columnRef(["k"])]), {
      ...ctx,
      columns: () => text,
    });
  };
  const textual = textLike.has(right.type);
  return {
    left: normalise(left),
    right: normalise(right),
    type: Oid.text,
    remote: (alias, column) =>
      textual && fn ? funcCall(fn, [columnRef([alias, column])]) : columnRef([alias, column]),
    toRemote: textual ? key0(Oid.text) : castTo(key0(Oid.text), right.type, -1, "explicit", ctx),
    remoteType: textual ? Oid.text : right.type,
  };
}

function step(
  scan: RemoteScanPlan,
  alias: string,
  columns: readonly string[],
  pairs: KeyPair[],
  input: PlanInput,
): RelationshipStep {
  const remoteKeys = pairs.map((p, i) => p.remote(alias, columns[i]));
  const caps = input.catalog.capabilities(scan.service);
  const room = Math.floor((caps.maxParams - input.params.length - 1) / Math.max(1, pairs.length));
  const base = {
    scan,
    toRemote: pairs.map((p) => p.toRemote),
    remoteKeyTypes: pairs.map((p) => p.remoteType),
    rowKeys: pairs.map((p) => p.right),
    keyTypes: pairs.map((p) => p.type),
    batchSize: Math.max(1, Math.min(caps.bindBatchSize, room)),
    concurrency: Math.max(1, caps.maxConcurrency),
  };
  // the key predicate is checked once here: a service that refuses it is read whole, once
  try {
    const params = [...input.params, ...pairs.map(() => [null])];
    const types = [...input.paramTypes, ...pairs.map((p) => arrayOf(p.remoteType))];
    input.catalog.compileFragment(
      scan.service,
      withKeyFilters(scan.fragment, remoteKeys, input.params.length + 1),
      params,
      types,
    );
    return { ...base, remoteKeys };
  } catch (err) {
    if (!(err instanceof PgError) || err.code !== SqlState.featureNotSupported) throw err;
    return { ...base, remoteKeys: [], keptKeys: err.message };
  }
}

function remoteScan(
  service: string,
  table: SourceTable,
  alias: string,
  names: readonly string[],
  input: PlanInput,
): RemoteScanPlan {
  const columns = names.map((n) => {
    const c = table.columns.find((x) => x.name === n)!;
    return { name: c.name, oid: c.type.oid, typmod: c.type.typmod };
  });
  return {
    kind: "remote-scan",
    service,
    fragment: {
      SelectStmt: selectStmt({
        targetList: names.map((n) => resTarget(columnRef([alias, n]))),
        fromClause: [rangeVar(service, table.name, alias)],
      }),
    } as unknown as Node,
    columns,
    estimate: estimateRows(table, [], input.params),
    pushed: [],
    kept: [],
  };
}

function baseTable(service: string, name: string, input: PlanInput): SourceTable {
  const t = input.catalog.table(service, name);
  if (!t) throw new PgError(SqlState.undefinedTable, `relation "${service}.${name}" does not exist`);
  return tableRelationships(t)?.base ?? t;
}

function columnIndex(table: SourceTable, name: string, r: Relationship): number {
  const i = table.columns.findIndex((c) => c.name === name);
  if (i < 0)
    throw new PgError(
      SqlState.undefinedColumn,
      `column "${name}" of relation "${table.name}" (relationship "${r.name}") does not exist`,
    );
  return i;
}
