/**
 * The package's entry (`import { createApp, loadConfig } from 'celery-lens'`):
 * a celery-lens server embedded in another Node process.
 */
export { type App, type AppOptions, createApp } from './app.ts';
export { type Config, loadConfig } from './config/config.ts';
export { OPTIONS } from './config/options.ts';
export { usage } from './config/usage.ts';
