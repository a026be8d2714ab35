/** The audit log as the API shows it. @module */
import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { audit_logs } from "../../db/schema/index.ts";
import { orderingField, pageQueryFields, pageSchema } from "../../lib/pagination.ts";

const snapshot = z.record(z.string(), z.unknown()).nullable();

export const AuditLogSchema = createSelectSchema(audit_logs, { before: snapshot, after: snapshot })
  .openapi(
    "AuditLog",
    {
      example: {
        id: "0193c0de-0000-7000-8000-000000000030",
        tenant_id: "0193c0de-0000-7000-8000-000000000001",
        actor_id: "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d",
        actor_role: "branch_admin",
        action: "update",
        entity_type: "client",
        entity_id: "0193c0de-0000-7000-8000-000000000020",
        before: { status: "lead" },
        after: { status: "active" },
        request_id: "0193c0de-aaaa-7bbb-8ccc-dddddddddddd",
        ip: "203.0.113.7",
        at: "2026-11-20T08:15:00.000Z",
      },
    },
  );

export const AUDIT_ORDERING = ["at"] as const;

export const ListAuditLogsQuerySchema = z.object({
  ...pageQueryFields,
  ordering: orderingField(AUDIT_ORDERING),
  entity_type: z.string().max(50).optional().openapi({ example: "client" }),
  entity_id: z.string().max(64).optional(),
  actor_id: z.string().max(64).optional(),
  action: z.string().max(50).optional().openapi({ example: "update" }),
  at_after: z.iso.datetime().optional().openapi({ example: "2026-11-01T00:00:00Z" }),
  at_before: z.iso.datetime().optional(),
});
export type ListAuditLogsQuery = z.infer<typeof ListAuditLogsQuerySchema>;

export const AuditLogPageSchema = pageSchema(AuditLogSchema, "AuditLogPage");
