export * from './jobs.js';
export * from './queue.service.js';
export * from './queue.module.js';
export * from './redis-connection.js';
