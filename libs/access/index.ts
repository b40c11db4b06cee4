export * from './actor.js';
export * from './roles.js';
