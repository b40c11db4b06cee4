import type { OpenAPIObject } from '@nestjs/swagger';
import { addStandardResponses, type OperationAccess } from './openapi.js';

const doc = (): OpenAPIObject => ({
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  paths: {
    '/api/v1/auth/login': {
      post: {
        operationId: 'AuthController_login',
        requestBody: { content: {} },
        responses: { '200': { description: '' }, '401': { description: 'Email or password is wrong' } },
      },
    },
    '/api/v1/cases/{id}/assign': {
      post: {
        operationId: 'CasesController_assign',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { content: {} },
        responses: { '200': { description: '' }, '409': { description: 'The case is resolved' } },
      },
    },
    '/api/v1/teams': { get: { operationId: 'StaffController_listTeams', responses: { '200': { description: '' } } } },
    '/metrics': { get: { operationId: 'MetricsController_scrape', responses: { '200': { description: 'Prometheus' } } } },
  },
  components: {
    schemas: {
      CaseViewDto: {
        type: 'object',
        properties: { advisorId: { type: 'string', format: 'uuid' }, dueAt: { type: 'string', format: 'date-time', example: 'kept' } },
      },
    },
  },
});

const access = new Map<string, OperationAccess>([
  ['AuthController_login', { isPublic: true, note: 'Access: public, no credentials.' }],
  ['CasesController_assign', { isPublic: false, note: 'Access: staff with the role admin or supervisor; not API keys. Others get 403.' }],
  ['StaffController_listTeams', { isPublic: false, note: 'Access: any staff; not API keys. Others get 403.' }],
  ['MetricsController_scrape', { isPublic: false, note: 'Access: staff with the role admin; API keys with the scope read. Others get 403.' }],
]);

describe('addStandardResponses', () => {
  const out = addStandardResponses(doc(), access);
  const op = (path: string, method: string) => (out.paths[path] as Record<string, any>)[method];
  const codes = (path: string, method: string) => Object.keys(op(path, method).responses).sort();

  it('asks for the bearer scheme except on public operations, and says who may call', () => {
    expect(op('/api/v1/auth/login', 'post').security).toEqual([]);
    expect(op('/api/v1/teams', 'get').security).toEqual([{ bearer: [] }]);
    expect(op('/api/v1/cases/{id}/assign', 'post').description).toMatch(/role admin or supervisor/);
  });

  it('adds the error answers each operation can give, all with the Error body', () => {
    expect(codes('/api/v1/auth/login', 'post')).toEqual(['200', '400', '401', '413', '429']);
    expect(codes('/api/v1/cases/{id}/assign', 'post')).toEqual(['200', '400', '401', '403', '404', '409', '413', '429']);
    expect(codes('/api/v1/teams', 'get')).toEqual(['200', '401', '403', '429']);
    expect(codes('/metrics', 'get')).toEqual(['200', '401', '403']);
    expect(op('/api/v1/cases/{id}/assign', 'post').responses['404'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(out.components?.schemas?.Error).toMatchObject({ required: ['statusCode', 'error', 'message'] });
  });

  it('keeps specific descriptions and fills empty success ones', () => {
    expect(op('/api/v1/auth/login', 'post').responses['401'].description).toBe('Email or password is wrong');
    expect(op('/api/v1/cases/{id}/assign', 'post').responses['409'].description).toBe('The case is resolved');
    expect(op('/api/v1/teams', 'get').responses['200'].description).toBe('OK');
  });

  it('gives ids and times an example and path ids their UUID format, never overwriting one', () => {
    const props = (out.components!.schemas!.CaseViewDto as any).properties;
    expect(props.advisorId.example).toMatch(/^[0-9a-f-]{36}$/);
    expect(props.dueAt.example).toBe('kept');
    expect(op('/api/v1/cases/{id}/assign', 'post').parameters[0].schema).toMatchObject({ format: 'uuid', example: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });
});
