/**
 * The one error type and the one error body (SPEC §4):
 * `{"error", "message", "details"?, "request_id"}`.
 * @module
 */
import { z } from "@hono/zod-openapi";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** An error meant for the caller: its status, a stable code and a readable message. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Outside the caller's scope an object does not exist: the same 404 as an unknown id. */
export function notFound(entity: string): ApiError {
  return new ApiError(404, "not_found", `${entity} not found.`);
}

/** A 422 about one body field, shaped like the validator's own errors. */
export function invalidField(field: string, message: string): ApiError {
  return new ApiError(422, "validation_error", message, [{ path: [field], message }]);
}

/** The 404 of an audit entity type: `visa_application` → "Visa application not found." */
export function entityNotFound(entityType: string): ApiError {
  const words = entityType.replaceAll("_", " ");
  return notFound(words.charAt(0).toUpperCase() + words.slice(1));
}

/** Inside the caller's scope, but the caller's role may not do this. */
export function forbidden(message: string): ApiError {
  return new ApiError(403, "forbidden", message);
}

export const ErrorBodySchema = z.object({
  error: z.string().openapi({ example: "not_found" }),
  message: z.string().openapi({ example: "Branch not found." }),
  details: z.unknown().optional(),
  request_id: z.string().openapi({ example: "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d" }),
}).openapi("Error");

export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Builds the error body for a request id. */
export function errorBody(error: ApiError, requestId: string): ErrorBody {
  const body: ErrorBody = { error: error.code, message: error.message, request_id: requestId };
  if (error.details !== undefined) body.details = error.details;
  return body;
}
