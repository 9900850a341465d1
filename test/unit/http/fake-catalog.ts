/** An in-memory AdminCatalog and RelationshipCatalog for route tests (no services, no mirror). */
import type { ServiceState } from "../../../src/catalog/catalog.ts";
import {
  CatalogError,
  type Relationship,
  type RelationshipCatalog,
  type RelationshipInput,
  type RelationshipSnapshot,
} from "../../../src/catalog/relationships/types.ts";
import type { Connector, ServiceConfig, SourceTable } from "../../../src/connectors/spi.ts";
import type { AdminCatalog } from "../../../src/http/admin-catalog.ts";

const list = (v: string | string[] | null | undefined) => (v == null ? null : Array.isArray(v) ? v : [v]);

export class FakeRelationships implements RelationshipCatalog {
  version = 1;
  items: Relationship[] = [];
  listeners: ((s: RelationshipSnapshot) => void)[] = [];

  snapshot(): RelationshipSnapshot {
    return { version: this.version, relationships: this.items };
  }
  forTable(service: string, table: string): Relationship[] {
    return this.items.filter((r) => r.service === service && r.table === table);
  }
  #check(ifMatch?: number) {
    if (ifMatch !== undefined && ifMatch !== this.version) {
      throw new CatalogError("conflict", `the catalog is at version ${this.version}, not ${ifMatch}`);
    }
  }
  build(service: string, table: string, input: RelationshipInput, at: string): Relationship {
    if (input.ref_table === "missing")
      throw new CatalogError("invalid", "table does not exist", `${at}ref_table`);
    const field = list(input.field)!;
    const name = input.name ?? `${input.ref_table}_by_${field.join("_")}`;
    return {
      service,
      table,
      name,
      alias: input.alias ?? null,
      label: input.label ?? name,
      description: input.description ?? null,
      type: input.type,
      field,
      is_virtual: true,
      ref_service: input.ref_service ?? service,
      ref_table: input.ref_table,
      ref_field: list(input.ref_field)!,
      junction_service: input.junction_service ?? null,
      junction_table: input.junction_table ?? null,
      junction_field: list(input.junction_field),
      junction_ref_field: list(input.junction_ref_field),
      always_fetch: input.always_fetch ?? false,
      key_comparison: input.key_comparison ?? "exact",
    };
  }
  async create(service: string, table: string, inputs: RelationshipInput[], ifMatch?: number) {
    this.#check(ifMatch);
    const made = inputs.map((input, i) => this.build(service, table, input, `resource[${i}].`));
    for (const [i, r] of made.entries()) {
      if (this.forTable(service, table).some((o) => o.name === r.name)) {
        throw new CatalogError("conflict", `"${r.name}" exists`, `resource[${i}].name`);
      }
    }
    this.items = [...this.items, ...made];
    this.version++;
    return made;
  }
  async update(
    service: string,
    table: string,
    name: string,
    patch: Partial<RelationshipInput>,
    ifMatch?: number,
  ) {
    this.#check(ifMatch);
    const current = this.forTable(service, table).find((r) => r.name === name);
    if (!current) throw new CatalogError("not_found", `no relationship "${name}"`);
    if (!current.is_virtual) throw new CatalogError("read_only", "a discovered foreign key is read-only");
    const next = { ...current, ...patch, field: list(patch.field) ?? current.field } as Relationship;
    this.items = this.items.map((r) => (r === current ? next : r));
    this.version++;
    return next;
  }
  async remove(service: string, table: string, names: string[], ifMatch?: number) {
    this.#check(ifMatch);
    const gone = names.map((n) => {
      const r = this.forTable(service, table).find((x) => x.name === n);
      if (!r) throw new CatalogError("not_found", `no relationship "${n}"`);
      return r;
    });
    this.items = this.items.filter((r) => !gone.includes(r));
    this.version++;
    return gone;
  }
  onChange(listener: (s: RelationshipSnapshot) => void) {
    this.listeners.push(listener);
    return () => {};
  }
}

export function table(name: string, columns: string[]): SourceTable {
  return {
    name,
    kind: "table",
    columns: columns.map((c, i) => ({
      name: c,
      ordinal: i + 1,
      type: { oid: 23, typmod: -1, sql: "integer" },
      nativeType: "INTEGER",
      nullable: i > 0,
      defaultExpr: null,
      comment: null,
    })),
    primaryKey: { name: `${name}_pkey`, columns: [columns[0]!] },
    uniqueKeys: [],
    foreignKeys: [],
    indexes: [],
    comment: null,
    rowEstimate: 10,
  };
}

export class FakeCatalog implements AdminCatalog {
  readonly relationships = new FakeRelationships();
  readonly states = new Map<string, ServiceState>();

  addUp(config: ServiceConfig, tables: SourceTable[]): void {
    this.states.set(config.name, {
      config,
      connector: {} as Connector,
      status: "up",
      error: null,
      schema: { tables },
      lastRefresh: new Date(0),
    });
  }
  services() {
    return [...this.states.values()];
  }
  service(name: string) {
    return this.states.get(name);
  }
  table(service: string, name: string) {
    return this.states.get(service)?.schema?.tables.find((t) => t.name === name);
  }
  async refresh(service?: string) {
    return this.services()
      .filter((s) => service === undefined || s.config.name === service)
      .map((s) => ({ service: s.config.name, status: s.status, tables: s.schema?.tables.length ?? 0 }));
  }
  async addService(config: ServiceConfig) {
    this.addUp(config, []);
    return this.states.get(config.name)!;
  }
  async removeService(name: string) {
    this.states.delete(name);
  }
  async updateService(config: ServiceConfig) {
    this.states.delete(config.name);
    return this.addService(config);
  }
}
