/**
 * The package's entry (`import { createApp, loadConfig } from 'celery-lens'`):
 * a celery-lens server embedded in another Node process.
 */
export { type App, type AppOptions, createApp } from './app.ts';
export { type Config, OPTIONS, loadConfig, usage } from './config/config.ts';
