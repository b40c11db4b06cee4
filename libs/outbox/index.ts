export * from './outbox.service.js';
export * from './outbox-relay.service.js';
export * from './outbox.module.js';
export * from './subscriptions.js';
