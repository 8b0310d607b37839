#!/usr/bin/env node
// The `celery-lens` command: runs src/main.ts through tsx's loader (a dependency).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
