export * from './learners.module.js';
export * from './sync.service.js';
export * from './learners.service.js';
export * from './partitions.service.js';
export * from './holdout.js';
export * from './lifecycle.js';
export * from './sync-items.js';
