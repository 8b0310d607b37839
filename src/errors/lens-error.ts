/**
 * Base of every error celery-lens reports to a client on purpose.
 *
 * It carries a stable machine-readable `code` that the GraphQL layer copies to
 * `extensions.code`. It is a plain Error (not a GraphQLError) so that the
 * Celery decoding and Redis layers stay free of GraphQL.
 */
export abstract class LensError extends Error {
  abstract readonly code: string;
  /** Extra fields safe to show a client (never result or args values). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}
