export * from './assignment.contract.js';
export * from './assignment-policy.js';
export * from './assignment.service.js';
export * from './assignment.module.js';
export * from '../common/working-time.js';
