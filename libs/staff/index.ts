export * from './staff.module.js';
export * from './staff.service.js';
export * from './staff.repository.js';
export * from './staff.mapper.js';
export * from './entities/staff.entity.js';
export * from './entities/team.entity.js';
export * from './password-hasher.js';
