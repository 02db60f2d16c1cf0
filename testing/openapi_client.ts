/**
 * A small API client driven from the manager's OpenAPI document: which list routes there are
 * (GET without path parameters), and whether an answer has the shape its schema documents.
 */

/** A (dereferenced) OpenAPI 3.0 schema object, as far as the checker reads it. */
export interface Schema {
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}

interface Operation {
  parameters?: { in: string; name: string }[];
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

/** An OpenAPI document, as far as the client reads it. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

/** A documented list route: its path and the schema of its 200 answer by content type. */
export interface ListRoute {
  path: string;
  content: Record<string, { schema: Schema }>;
}

/** The GET routes without path parameters, with what their 200 answer holds. */
export function listRoutes(doc: OpenApiDocument): ListRoute[] {
  return Object.entries(doc.paths)
    .filter(([path, ops]) => ops.get && !path.includes("{"))
    .map(([path, ops]) => ({ path, content: ops.get.responses["200"]?.content ?? {} }));
}

/** Where `value` breaks `schema`: one message a problem, empty when it fits. */
export function shapeErrors(schema: Schema, value: unknown, at = "$"): string[] {
  if (value === null) return schema.nullable || schema.type === undefined ? [] : [`${at} is null`];
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    const fits = alternatives.some((s) => shapeErrors(s, value, at).length === 0);
    return fits ? [] : [`${at} fits none of its alternatives`];
  }
  if (schema.allOf) return schema.allOf.flatMap((s) => shapeErrors(s, value, at));
  if (schema.enum && !schema.enum.includes(value)) return [`${at} is not one of ${schema.enum}`];
  switch (schema.type) {
    case "string":
      return typeof value === "string" ? [] : [`${at} is not a string`];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${at} is not a boolean`];
    case "number":
      return typeof value === "number" ? [] : [`${at} is not a number`];
    case "integer":
      return Number.isInteger(value) ? [] : [`${at} is not an integer`];
    case "array":
      if (!Array.isArray(value)) return [`${at} is not an array`];
      return value.flatMap((v, i) =>
        schema.items ? shapeErrors(schema.items, v, `${at}[${i}]`) : []
      );
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) return [`${at} is not an object`];
      const v = value as Record<string, unknown>;
      const missing = (schema.required ?? []).filter((k) => !(k in v)).map((k) =>
        `${at}.${k} is missing`
      );
      const props = Object.entries(v).flatMap(([k, pv]) => {
        const s = schema.properties?.[k] ??
          (typeof schema.additionalProperties === "object" ? schema.additionalProperties : null);
        return s ? shapeErrors(s, pv, `${at}.${k}`) : [];
      });
      return [...missing, ...props];
    }
    default:
      return [];
  }
}
