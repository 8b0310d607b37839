import { builder } from './builder.ts';
import './task.ts';
import './task-subscriptions.ts';
import './backend-health.ts';

export const schema = builder.toSchema();
