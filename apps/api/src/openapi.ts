import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** OpenAPI document at /docs-json, rendered at /docs. */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('careloop API')
    .setDescription(
      'Advisor CRM for online schools: sync learner data, evaluate warning rules, work cases and call queues, ' +
        'measure retention. Staff authenticate with POST /api/v1/auth/login and send `Authorization: Bearer <accessToken>`; ' +
        'integrations send `Authorization: Bearer <API key>`. Errors are always `{statusCode, error, message, details?: [{field, message}]}`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Staff access token (JWT) or integration API key (cl_…)' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = document.components ?? {};
  document.components.schemas = {
    ...document.components.schemas,
    Error: {
      type: 'object',
      required: ['statusCode', 'error', 'message'],
      properties: {
        statusCode: { type: 'integer', example: 400 },
        error: { type: 'string', example: 'Bad Request' },
        message: { type: 'string', example: 'email: must be an email' },
        details: {
          type: 'array',
          items: { type: 'object', properties: { field: { type: 'string', example: 'email' }, message: { type: 'string', example: 'must be an email' } } },
        },
      },
    },
  };
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', useGlobalPrefix: false });
}
