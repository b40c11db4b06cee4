export * from './cases.module.js';
export * from './cases.service.js';
export * from './case-intake.service.js';
export * from './case-pool.service.js';
export * from './case-escalation.service.js';
export * from './case-priority.js';
export * from './case.mapper.js';
export * from './case-sweep.service.js';
