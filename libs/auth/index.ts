export * from './auth.module.js';
export * from './auth.service.js';
export * from './api-clients.service.js';
export * from './token.service.js';
export * from './entities/api-client.entity.js';
