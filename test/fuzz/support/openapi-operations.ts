/** The parts of an OpenAPI 3 document the fuzzer reads. */
export interface SchemaObject {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  example?: unknown;
  nullable?: boolean;
  allOf?: SchemaObject[];
}

interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: SchemaObject;
}

interface OperationObject {
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: SchemaObject }> };
  security?: unknown[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, SchemaObject> };
}

export interface Parameter {
  name: string;
  required: boolean;
  schema: SchemaObject;
}

/** One route of the document, with every schema resolved ($ref inlined). */
export interface Operation {
  method: string;
  /** The OpenAPI path template, e.g. `/courses/{id}`. */
  path: string;
  pathParams: Parameter[];
  query: Parameter[];
  headers: Parameter[];
  body?: { required: boolean; schema: SchemaObject };
  authenticated: boolean;
}

function resolver(document: OpenApiDocument) {
  const resolve = (schema: SchemaObject | undefined, seen = new Set<string>()): SchemaObject => {
    if (!schema) return {};
    if (schema.$ref) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      if (seen.has(name)) return { type: 'object' };
      return resolve(document.components?.schemas?.[name], new Set([...seen, name]));
    }
    if (schema.allOf)
      return Object.assign({}, ...schema.allOf.map((part) => resolve(part, seen))) as SchemaObject;
    return {
      ...schema,
      items: schema.items ? resolve(schema.items, seen) : undefined,
      properties: schema.properties
        ? Object.fromEntries(
            Object.entries(schema.properties).map(([key, value]) => [key, resolve(value, seen)]),
          )
        : undefined,
    };
  };
  return resolve;
}

/** Every operation of the document. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  const resolve = resolver(document);
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]): Operation => {
      const parameters = (operation.parameters ?? []).map((parameter) => ({
        in: parameter.in,
        name: parameter.name,
        required: parameter.required ?? parameter.in === 'path',
        schema: resolve(parameter.schema),
      }));
      const json = operation.requestBody?.content?.['application/json'];
      return {
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((parameter) => parameter.in === 'path'),
        query: parameters.filter((parameter) => parameter.in === 'query'),
        headers: parameters.filter((parameter) => parameter.in === 'header'),
        body: json
          ? { required: operation.requestBody?.required ?? true, schema: resolve(json.schema) }
          : undefined,
        authenticated: (operation.security ?? []).length > 0,
      };
    }),
  );
}
