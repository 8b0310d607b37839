import { builder } from './builder.ts';
import './task.ts';
import './task-links.ts';
import './task-history.ts';
import './group.ts';
import './task-graph.ts';
import './goal.ts';
import './worker.ts';
import './task-subscriptions.ts';
import './await.ts';
import './read-token.ts';
import './backend-health.ts';

export const schema = builder.toSchema();
