/** GET /audit-logs: the tenant's append-only history of writes and platform access. @module */
import { createRoute } from "@hono/zod-openapi";
import { requireAuth, tenantScope } from "../../auth/middleware.ts";
import { bearerSecurity, createRouter, jsonResponse, readErrors } from "../../lib/router.ts";
import { AuditLogPageSchema, ListAuditLogsQuerySchema } from "./audit-logs.schemas.ts";
import { listAuditLogs } from "./audit-logs.selectors.ts";

const list = createRoute({
  tags: ["Audit log"],
  security: bearerSecurity,
  middleware: requireAuth(),
  method: "get",
  path: "/audit-logs",
  summary: "List audit entries (super_admin, country_manager; platform admin with X-Tenant-ID)",
  description:
    "Entries are never changed or deleted. `platform_access` entries record each request " +
    "the platform admin made inside the tenant.",
  request: { query: ListAuditLogsQuerySchema },
  responses: { 200: jsonResponse(AuditLogPageSchema, "A page of audit entries"), ...readErrors },
});

export const auditLogsRouter = createRouter().openapi(list, async (c) => {
  return c.json(
    await listAuditLogs(c.get("deps").db, tenantScope(c), c.req.valid("query"), c.req.url),
    200,
  );
});
