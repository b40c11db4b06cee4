export * from './domain-error.js';
export * from './pagination.js';
export * from './clock.js';
export * from './working-hours.js';
