export * from './analytics.module.js';
export * from './analytics.service.js';
export * from './analytics.types.js';
export * from './report-csv.js';
export * from './csv.js';
export * from './stats.js';
