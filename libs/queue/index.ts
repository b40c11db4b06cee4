export * from './jobs.js';
export * from './queue.service.js';
export * from './queue.module.js';
export * from './queue-prefix.js';
export * from './job-anchors.repository.js';
export * from './redis-connection.js';
