import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from './config.js';

/** Fields whose values never reach a log line. */
export const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.body.password',
  'password',
  'accessToken',
  'key',
  'secret',
  '*.password',
  '*.secret',
  '*.key',
  '*.accessToken',
];

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
  req.headers['x-request-id'] = id;
  return id;
}

/** Structured JSON logs (pino) with the request id on every line of a request. */
export function loggerParams(config: AppConfig, destination?: NodeJS.WritableStream): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      redact: { paths: REDACT, censor: '[redacted]' },
      genReqId: (req) => requestIdOf(req),
      customProps: () => ({ service: 'careloop' }),
      autoLogging: config.nodeEnv !== 'test',
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      ...(destination ? { stream: destination } : {}),
    },
  };
}
