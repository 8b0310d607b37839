import { builder } from './builder.ts';
import './task.ts';
import './backend-health.ts';

export const schema = builder.toSchema();
