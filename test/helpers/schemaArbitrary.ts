// fast-check arbitraries from JSON Schema (the subset the OpenAPI document uses): values
// that match a schema, and values broken on purpose (a wrong type, a missing required
// field, an unknown field, a length one past a bound). No maintained npm generator works on
// fast-check arbitraries with OpenAPI 3.1's schemas, so this is a small one of our own.
import fc from "fast-check";

export type Schema = Record<string, unknown>;
type Resolve = (ref: string) => Schema;

const MAX_STRING = 80;

/** Strings bounded for speed: long bounds are tried by `broken` at the bound itself. */
function stringArb(s: Schema): fc.Arbitrary<string> {
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as string[]));
  if (typeof s.const === "string") return fc.constant(s.const);
  const min = (s.minLength as number | undefined) ?? 0;
  const max = Math.max(
    min,
    Math.min((s.maxLength as number | undefined) ?? MAX_STRING, MAX_STRING),
  );
  if (s.format === "date-time") return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (s.format === "date") {
    return fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  }
  if (typeof s.pattern === "string") {
    // fast-check builds strings from the regex itself; lengths are kept to the bounds.
    try {
      return fc
        .stringMatching(new RegExp(s.pattern))
        .map((x) => (x.length > max ? x.slice(0, max) : x))
        .filter((x) => x.length >= min && new RegExp(s.pattern as string, "u").test(x));
    } catch {
      return fc.string({ minLength: min, maxLength: max });
    }
  }
  return fc.oneof(
    fc.string({ minLength: min, maxLength: max }),
    fc.string({ minLength: min, maxLength: max, unit: "grapheme" }),
  );
}

function numberArb(s: Schema, integer: boolean): fc.Arbitrary<number> {
  const min = (s.minimum as number | undefined) ?? (s.exclusiveMinimum as number | undefined);
  const max = (s.maximum as number | undefined) ?? (s.exclusiveMaximum as number | undefined);
  if (integer) {
    return fc.integer({
      min: min ?? -1_000_000,
      max: Math.min(max ?? 1_000_000_000, Number.MAX_SAFE_INTEGER),
    });
  }
  return fc.double({ min: min ?? -1e9, max: max ?? 1e9, noNaN: true, noDefaultInfinity: true });
}

/** Any JSON value, small. */
export const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 2 });

/** Values that match `schema`. */
export function valid(schema: Schema, resolve: Resolve, depth = 0): fc.Arbitrary<unknown> {
  const s = schema.$ref ? resolve(schema.$ref as string) : schema;
  if (depth > 6) return fc.constant(null);
  const alts = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (alts) return fc.oneof(...alts.map((a) => valid(a, resolve, depth + 1)));
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  if ("const" in s) return fc.constant(s.const);
  const type = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string | undefined];
  if (type.length > 1) {
    return fc.oneof(...type.map((t) => valid({ ...s, type: t }, resolve, depth + 1)));
  }
  switch (type[0]) {
    case "string":
      return stringArb(s);
    case "integer":
      return numberArb(s, true);
    case "number":
      return numberArb(s, false);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array": {
      const items = (s.items as Schema | undefined) ?? {};
      const min = (s.minItems as number | undefined) ?? 0;
      const max = Math.max(min, Math.min((s.maxItems as number | undefined) ?? 4, 4));
      return fc.array(valid(items, resolve, depth + 1), { minLength: min, maxLength: max });
    }
    case "object":
      return objectArb(s, resolve, depth);
  }
  if (s.properties) return objectArb(s, resolve, depth);
  return anyJson;
}

function objectArb(s: Schema, resolve: Resolve, depth: number): fc.Arbitrary<unknown> {
  const props = (s.properties ?? {}) as Record<string, Schema>;
  const required = new Set((s.required ?? []) as string[]);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, v] of Object.entries(props)) record[k] = valid(v, resolve, depth + 1);
  const fixed = fc.record(record, {
    requiredKeys: Object.keys(props).filter((k) => required.has(k)),
  });
  const extra = s.additionalProperties;
  if (Object.keys(props).length === 0 && extra !== false) {
    const values =
      extra && typeof extra === "object" ? valid(extra as Schema, resolve, depth + 1) : anyJson;
    return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), values, { maxKeys: 3 });
  }
  return fixed;
}

/** A value of another JSON type than the schema allows (as far as a simple check goes). */
function wrongType(s: Schema): fc.Arbitrary<unknown> {
  const type = s.type;
  const all: Array<[string, fc.Arbitrary<unknown>]> = [
    ["string", fc.string({ maxLength: 5 })],
    ["integer", fc.integer()],
    ["number", fc.double({ noNaN: true, noDefaultInfinity: true })],
    ["boolean", fc.boolean()],
    ["null", fc.constant(null)],
    ["array", fc.array(fc.integer(), { maxLength: 2 })],
    ["object", fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 })],
  ];
  const types = Array.isArray(type) ? (type as string[]) : [type as string];
  const others = all.filter(
    ([t]) => !types.includes(t) && !(t === "integer" && types.includes("number")),
  );
  return fc.oneof(...others.map(([, a]) => a));
}

/** Values broken on purpose: each one breaks one rule of `schema` (or one of its fields'). */
export function broken(schema: Schema, resolve: Resolve): fc.Arbitrary<unknown> {
  const s = schema.$ref ? resolve(schema.$ref as string) : schema;
  const ways: Array<fc.Arbitrary<unknown>> = [];
  if (s.type && !s.anyOf && !s.oneOf) ways.push(wrongType(s));
  if (s.type === "string") {
    if (typeof s.maxLength === "number") ways.push(fc.constant("x".repeat(s.maxLength + 1)));
    if (typeof s.maxLength === "number") ways.push(fc.constant("x".repeat(s.maxLength)));
    if (typeof s.minLength === "number" && s.minLength > 0) {
      ways.push(fc.constant("x".repeat(s.minLength - 1)));
    }
    if (Array.isArray(s.enum)) ways.push(fc.constant(`${String(s.enum[0]).toUpperCase()}x`));
    ways.push(fc.constantFrom("\u0000", "a\nb", "\u007f", " ", "é".repeat(3), "../x"));
  }
  if (s.type === "integer" || s.type === "number") {
    if (typeof s.minimum === "number") ways.push(fc.constant(s.minimum - 1));
    if (typeof s.maximum === "number") ways.push(fc.constant(s.maximum + 1));
    ways.push(fc.constantFrom(1.5, -1, 0, 2 ** 53));
  }
  if (s.type === "array" && typeof s.maxItems === "number" && s.maxItems <= 1000) {
    const items = (s.items as Schema | undefined) ?? {};
    ways.push(
      fc.array(valid(items, resolve, 1), { minLength: s.maxItems + 1, maxLength: s.maxItems + 1 }),
    );
  }
  const props = (s.properties ?? {}) as Record<string, Schema>;
  const names = Object.keys(props);
  if (s.type === "object" || names.length > 0) {
    const base = valid(s, resolve) as fc.Arbitrary<Record<string, unknown>>;
    const required = (s.required ?? []) as string[];
    if (required.length > 0) {
      ways.push(
        fc.tuple(base, fc.constantFrom(...required)).map(([v, k]) => {
          const { [k]: _gone, ...rest } = v;
          return rest;
        }),
      );
    }
    ways.push(base.map((v) => ({ ...v, unexpected_field: 1 })));
    if (names.length > 0) {
      ways.push(
        fc
          .constantFrom(...names)
          .chain((k) => fc.tuple(base, fc.constant(k), broken(props[k] as Schema, resolve)))
          .map(([v, k, bad]) => ({ ...v, [k]: bad })),
      );
    }
  }
  return ways.length > 0 ? fc.oneof(...ways) : wrongType({ type: "object" });
}
