export * from './database.module.js';
export * from './data-source-options.js';
export * from './migrator.js';
export * from './embedded-postgres.js';
