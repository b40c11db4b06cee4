export * from './risk.module.js';
export * from './risk.service.js';
export * from './risk-features.js';
