import { Global, Module } from '@nestjs/common';
import { Clock } from './clock.js';

/** Process-wide helpers every context may inject (the clock). */
@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class SharedModule {}
