import type { INestApplication, Type } from '@nestjs/common';
import { applyDecorators } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { PUBLIC_KEY, ROLES_KEY, SCOPES_KEY, STAFF_ONLY_KEY } from './http/decorators.js';
import { ApiExtraModels, ApiOkResponse, ApiProperty, ApiResponse, DocumentBuilder, getSchemaPath, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

const ERROR_REF = { $ref: '#/components/schemas/Error' };

/** A 409 with what conflicts, next to the standard errors every operation gets. */
export function ApiConflict(description: string): MethodDecorator & ClassDecorator {
  return ApiResponse({ status: 409, description, schema: ERROR_REF });
}

/** `{items, nextCursor}` of one item class: the shape of every cursor-paginated list. */
export function pageOf<T>(item: Type<T>, name: string): Type<{ items: T[]; nextCursor: string | null }> {
  class Page {
    @ApiProperty({ type: [item] }) items: T[];
    @ApiProperty({
      type: String,
      nullable: true,
      example: 'WyIyMDI2LTExLTI1VDA4OjAwOjAwLjAwMFoiLCI5ZjFjIl0',
      description: 'pass as ?cursor= for the next page; null on the last page',
    })
    nextCursor: string | null;
  }
  Object.defineProperty(Page, 'name', { value: name });
  return Page;
}

/** JSON by default, `Accept: text/csv` for the same figures as a CSV table (analytics reports). */
export function ApiJsonOrCsv(model: Type<unknown>, csvExample: string): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(model),
    ApiOkResponse({
      description: 'The report as JSON, or as CSV (one row per line, header first) when the request sends `Accept: text/csv`.',
      content: {
        'application/json': { schema: { $ref: getSchemaPath(model) } },
        'text/csv': { schema: { type: 'string' }, example: csvExample },
      },
    }),
  );
}

const ERROR_SCHEMA = {
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  description: 'The one error body of every non-2xx answer.',
  properties: {
    statusCode: { type: 'integer', example: 400 },
    error: { type: 'string', example: 'Bad Request' },
    message: { type: 'string', example: 'email: must be an email' },
    details: {
      type: 'array',
      description: 'one entry per bad field (400 only)',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string', example: 'email' }, message: { type: 'string', example: 'must be an email' } },
      },
    },
  },
};

const STANDARD_ERRORS: Record<string, { description: string; example: Record<string, unknown> }> = {
  '400': {
    description: 'Bad input: the body, query or a path id is invalid (`details` names each field)',
    example: { statusCode: 400, error: 'Bad Request', message: 'Validation failed', details: [{ field: 'limit', message: 'must not be greater than 500' }] },
  },
  '401': {
    description: 'No credentials, or an invalid or expired token or API key',
    example: { statusCode: 401, error: 'Unauthorized', message: 'Authentication required: send Authorization: Bearer <token or API key>' },
  },
  '403': {
    description: 'Authenticated, but the role or API-key scope does not allow this',
    example: { statusCode: 403, error: 'Forbidden', message: 'You are not allowed to do this' },
  },
  '404': { description: 'No such record, or not visible to the caller', example: { statusCode: 404, error: 'Not Found', message: 'case 3f0c… not found' } },
  '409': { description: 'Conflicts with the current state', example: { statusCode: 409, error: 'Conflict', message: 'Conflicts with the current state' } },
  '413': {
    description: 'The request body is larger than BODY_LIMIT_BYTES',
    example: { statusCode: 413, error: 'Payload Too Large', message: 'Request body is too large' },
  },
  '429': {
    description: 'Too many requests from this address; retry after the time given',
    example: { statusCode: 429, error: 'Too Many Requests', message: 'Too many requests; retry in 1 minute' },
  },
};

/** Who may call an operation, read from the same metadata the AuthGuard checks. */
export interface OperationAccess {
  isPublic: boolean;
  /** Plain-words access rule, appended to the operation's description. */
  note: string;
}

/** operationId (`<Controller>_<method>`, the swagger default) → access, from @Public/@Roles/@Scopes/@StaffOnly. */
export function operationAccess(app: INestApplication): Map<string, OperationAccess> {
  const reflector = new Reflector();
  const out = new Map<string, OperationAccess>();
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller?.prototype) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const targets = [handler, controller];
        if (Reflect.getMetadata('path', handler) === undefined) continue;
        if (reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) {
          out.set(`${controller.name}_${name}`, { isPublic: true, note: 'Access: public, no credentials.' });
          continue;
        }
        const roles = reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, targets);
        const scopes = reflector.getAllAndOverride<string[] | undefined>(SCOPES_KEY, targets);
        const staffOnly = reflector.getAllAndOverride<boolean>(STAFF_ONLY_KEY, targets) ?? false;
        // Mirrors AuthGuard: staff by @Roles (any staff without it); API keys only where the route names a scope.
        const staff = roles ? `staff with the role ${roles.join(' or ')}` : 'any staff';
        const keys = scopes && !staffOnly ? `API keys with the scope ${scopes.join(' or ')}` : undefined;
        out.set(`${controller.name}_${name}`, { isPublic: false, note: `Access: ${staff}${keys ? `; ${keys}` : '; not API keys'}. Others get 403.` });
      }
    }
  }
  return out;
}

/** Rate limiting skips the unprefixed ops endpoints. */
const NOT_RATE_LIMITED = ['/health', '/metrics', '/docs'];
const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

type Operation = {
  operationId?: string;
  description?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ in: string }>;
  requestBody?: unknown;
  responses: Record<string, { description: string; content?: Record<string, unknown> }>;
};

const FORMAT_EXAMPLES: Record<string, unknown> = {
  uuid: '3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01',
  'date-time': '2026-11-25T08:00:00.000Z',
  date: '2026-11-25',
};
const PARAM_EXAMPLES: Record<string, unknown> = { limit: 50, cursor: 'WyIyMDI2LTExLTI1VDA4OjAwOjAwLjAwMFoiLCI5ZjFjIl0' };
/** Path ids go through UuidPipe (400 when not a UUID); rule keys are words. */
const PATH_PARAMS: Record<string, { format?: string; example: unknown; description: string }> = {
  id: { format: 'uuid', example: FORMAT_EXAMPLES.uuid, description: 'the record id (a UUID)' },
  key: { example: 'inactive_7d', description: 'the rule key' },
  deliveryId: { format: 'uuid', example: FORMAT_EXAMPLES.uuid, description: 'the webhook delivery id (a UUID)' },
};
const SUCCESS_DESCRIPTIONS: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted: the work runs in the worker' };

/** An example for an id or time field that has none: what one looks like is all there is to say. */
function formatExample(s: { format?: string; type?: string; items?: { format?: string } } | undefined): unknown {
  if (!s) return undefined;
  if (s.format && s.format in FORMAT_EXAMPLES) return FORMAT_EXAMPLES[s.format];
  if (s.type === 'array' && s.items?.format && s.items.format in FORMAT_EXAMPLES) return [FORMAT_EXAMPLES[s.items.format]];
  return undefined;
}

function addFormatExamples(document: OpenAPIObject): void {
  for (const schema of Object.values(document.components?.schemas ?? {}) as Array<{ properties?: Record<string, { example?: unknown; enum?: unknown }> }>) {
    for (const prop of Object.values(schema.properties ?? {})) {
      if (prop.example === undefined && !prop.enum) {
        const example = formatExample(prop as never);
        if (example !== undefined) prop.example = example;
      }
    }
  }
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      for (const p of (
        item as Record<
          string,
          {
            parameters?: Array<{
              name: string;
              in: string;
              description?: string;
              example?: unknown;
              schema?: { example?: unknown; enum?: unknown; format?: string };
            }>;
          }
        >
      )[method]?.parameters ?? []) {
        const known = p.in === 'path' ? PATH_PARAMS[p.name] : undefined;
        if (known && p.schema) {
          if (known.format) p.schema.format = known.format;
          p.description = p.description ?? known.description;
        }
        if (!p.schema || p.schema.example !== undefined || p.example !== undefined || p.schema.enum) continue;
        if (known) {
          p.schema.example = known.example;
          continue;
        }
        const example = p.in === 'query' && p.name in PARAM_EXAMPLES ? PARAM_EXAMPLES[p.name] : formatExample(p.schema as never);
        if (example !== undefined) p.schema.example = example;
      }
    }
  }
}

/**
 * Completes what decorators leave implicit: examples for ids and times, security on every non-public operation (public ones say
 * `security: []`), and the standard error answers each operation can give, all with the `Error` body.
 */
export function addStandardResponses(document: OpenAPIObject, access: Map<string, OperationAccess>): OpenAPIObject {
  document.components = document.components ?? {};
  document.components.schemas = { ...document.components.schemas, Error: ERROR_SCHEMA as never };
  addFormatExamples(document);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      const rule = op.operationId ? access.get(op.operationId) : undefined;
      const isPublic = rule?.isPublic ?? false;
      if (rule) op.description = op.description ? `${op.description}\n\n${rule.note}` : rule.note;
      if (isPublic) op.security = [];
      else if (!op.security?.length) op.security = [{ bearer: [] }];
      const codes = new Set<string>();
      const hasInput = !!op.requestBody || (op.parameters ?? []).some((p) => p.in === 'query' || p.in === 'path');
      if (hasInput) codes.add('400');
      if (!isPublic) codes.add('401').add('403');
      if (path.includes('{')) codes.add('404');
      if (op.requestBody) codes.add('413');
      if (path === '/api/v1/auth/login') codes.add('401');
      if (!NOT_RATE_LIMITED.some((p) => path === p || path.startsWith(`${p}/`))) codes.add('429');
      for (const code of codes) {
        const existing = op.responses[code];
        const std = STANDARD_ERRORS[code];
        op.responses[code] = {
          description: existing?.description || std.description,
          content: { 'application/json': { schema: ERROR_REF, example: std.example } },
        };
      }
      for (const [code, res] of Object.entries(op.responses)) {
        if (/^[45]\d\d$/.test(code) && !res.content) res.content = { 'application/json': { schema: ERROR_REF } };
        if (!res.description && SUCCESS_DESCRIPTIONS[code]) res.description = SUCCESS_DESCRIPTIONS[code];
      }
    }
  }
  return document;
}

/**
 * Every operation tag, declared once with what it covers (clients and doc renderers group by these). A tag used on a
 * controller but missing here fails the OpenAPI lint in test/openapi-lint.e2e-spec.ts.
 */
export const TAGS: Array<{ name: string; description: string }> = [
  { name: 'auth', description: 'Staff sign-in and the signed-in staff member' },
  { name: 'staff', description: 'Teams, staff members, roles, capacity and working hours' },
  { name: 'integrations', description: 'API clients (keys and scopes) for the school platform' },
  { name: 'sync', description: 'Idempotent bulk upserts of courses, learners, enrolments and activity events' },
  { name: 'learners', description: 'Learners with progress, lifecycle stage, risk and timeline' },
  { name: 'rules', description: 'Warning rules, rule runs and backtests' },
  { name: 'alerts', description: 'Alerts per enrolment and rule, cohort alerts, staff feedback' },
  { name: 'cases', description: 'At-risk cases: assignment, bulk reassignment, resolution' },
  { name: 'tasks', description: "The advisor's daily queue, call outcomes, rescheduling and reassignment" },
  { name: 'tickets', description: 'Support tickets with business-hours SLAs' },
  { name: 'support desk settings', description: 'Business-hours calendars, SLA policies and ticket routing' },
  { name: 'knowledge base', description: 'Articles that answer common questions' },
  { name: 'analytics', description: 'Retention, first-week program and holdout uplift, rules, churn reasons, advisors, tickets (JSON or CSV)' },
  { name: 'risk-model', description: 'Learned churn risk: training, evaluation against the rules on held-out data, scores with reasons' },
  { name: 'webhooks', description: 'Outbound webhook subscriptions and their signed deliveries' },
  { name: 'audit', description: 'Who changed what, when and why' },
  { name: 'ops', description: 'Health, readiness and Prometheus metrics' },
];

/** OpenAPI document at /docs-json, rendered at /docs. */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('careloop API')
    .setDescription(
      'Advisor CRM for online schools: sync learner data, evaluate warning rules, work cases and call queues, ' +
        'measure retention. Staff authenticate with POST /api/v1/auth/login and send `Authorization: Bearer <accessToken>`; ' +
        'integrations send `Authorization: Bearer <API key>` (scope `sync:write` for the sync endpoints and ticket intake, `read` for the GET endpoints that say so; other endpoints refuse keys). ' +
        'Errors are always `{statusCode, error, message, details?: [{field, message}]}`. Lists take `?limit=&cursor=` and answer ' +
        '`{items, nextCursor}`; times are ISO-8601 in UTC.',
    )
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    // Relative: the API answers on the same origin that serves this document, wherever that is deployed.
    .addServer('/', 'The server this document is served from')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Staff access token (JWT) or integration API key (cl_…)' }, 'bearer')
    .build();
  const document = addStandardResponses(SwaggerModule.createDocument(app, config), operationAccess(app));
  document.tags = TAGS;
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', useGlobalPrefix: false });
}
