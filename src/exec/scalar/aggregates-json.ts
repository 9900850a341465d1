/** datum_to_json: one value as JSON text, the way json_agg/to_json render it. */
import { elementOf, Oid, type TypeOid } from "../../common/pg-types.ts";
import { encodeText } from "../../common/value-codec.ts";
import { quoteJson } from "../../common/value-json.ts";
import type { EncodeContext, Value } from "../../common/values.ts";

const ISO_CTX = (ctx: EncodeContext): EncodeContext => ({ ...ctx, dateStyle: "ISO, MDY" });

export function valueToJson(v: Value, oid: TypeOid, ctx: EncodeContext): string {
  if (v === null) return "null";
  switch (oid) {
    case Oid.bool:
      return v ? "true" : "false";
    case Oid.int2:
    case Oid.int4:
    case Oid.int8:
    case Oid.oid:
      return String(v);
    case Oid.float4:
    case Oid.float8:
    case Oid.numeric: {
      const text = encodeText(v, oid, ctx);
      // NaN and infinities are not JSON numbers
      return /^-?(NaN|Infinity)$/.test(text) ? quoteJson(text) : text;
    }
    case Oid.json:
    case Oid.jsonb:
      return v as string;
    case Oid.date:
      return quoteJson(encodeText(v, oid, ISO_CTX(ctx)));
    case Oid.timestamp:
    case Oid.timestamptz: {
      const text = encodeText(v, oid, ISO_CTX(ctx));
      if (text === "infinity" || text === "-infinity") return quoteJson(text);
      // ISO 8601: a T between date and time, and a full ±HH:MM offset
      let iso = text.replace(" ", "T");
      if (oid === Oid.timestamptz)
        iso = iso.replace(
          /([+-]\d\d)(?::?(\d\d))?(:\d\d)?( BC)?$/,
          (_m, h, m, s, bc) => `${h}:${m ?? "00"}${s ?? ""}${bc ?? ""}`,
        );
      return quoteJson(iso);
    }
  }
  const elem = elementOf(oid);
  if (elem !== 0) return `[${(v as Value[]).map((x) => valueToJson(x, elem, ctx)).join(",")}]`;
  return quoteJson(encodeText(v, oid, ctx));
}
