export * from './test-app.js';
export * from './factories.js';
export * from './test-database.js';
