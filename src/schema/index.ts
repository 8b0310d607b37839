import { builder } from './builder.ts';
import './task.ts';
import './task-links.ts';
import './task-history.ts';
import './group.ts';
import './task-graph.ts';
import './goal.ts';
import './worker.ts';
import './queue.ts';
import './task-subscriptions.ts';
import './backend-health.ts';
import './search.ts';
import './task-stats.ts';
import './failures.ts';
import './task-events.ts';

export const schema = builder.toSchema();
