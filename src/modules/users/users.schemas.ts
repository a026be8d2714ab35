/**
 * Users as the API shows and accepts them. The password hash never leaves the
 * database; emails are compared lower-cased.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { ROLES, users } from "../../db/schema/index.ts";
import { idRef, queryBoolean } from "../../lib/fields.ts";
import { orderingField, pageQueryFields, pageSchema } from "../../lib/pagination.ts";

const ID_EXAMPLE = "0193c0de-5b6f-7a31-9c1e-3f1d2a4b5c6d";

export const UserSchema = createSelectSchema(users).omit({ password_hash: true }).openapi("User", {
  example: {
    id: ID_EXAMPLE,
    email: "maria.lopez@harbour-migration.test",
    first_name: "Maria",
    last_name: "Lopez",
    phone: "+61 2 5550 1234",
    role: "consultant",
    tenant_id: "0193c0de-0000-7000-8000-000000000001",
    region_id: "0193c0de-0000-7000-8000-000000000002",
    branch_id: "0193c0de-0000-7000-8000-000000000003",
    is_active: true,
    last_login: "2026-11-20T08:15:00.000Z",
    created_at: "2026-01-10T09:00:00.000Z",
    updated_at: "2026-01-10T09:00:00.000Z",
    created_by: null,
    updated_by: null,
  },
});
export type User = z.infer<typeof UserSchema>;

export const email = z.string().trim().toLowerCase().pipe(z.email().max(254)).openapi({
  example: "maria.lopez@harbour-migration.test",
});

/** NIST SP 800-63B: length over composition rules; a cap keeps hashing bounded. */
export const password = z.string().min(10, "Use at least 10 characters.").max(128).openapi({
  example: "correct-horse-battery",
});

const name = z.string().trim().min(1).max(100);
const phone = z.string().trim().max(40);
const optionalId = idRef.nullable().optional();

export const CreateUserSchema = z.object({
  email,
  password,
  first_name: name.openapi({ example: "Maria" }),
  last_name: name.openapi({ example: "Lopez" }),
  phone: phone.optional(),
  role: z.enum(ROLES).openapi({ example: "consultant" }),
  tenant_id: optionalId,
  region_id: optionalId,
  branch_id: optionalId,
}).strict().openapi("CreateUser");

export const UpdateUserSchema = z.object({
  email: email.optional(),
  password: password.optional().openapi({
    description: "A manager sets a new password; the user's sessions end.",
  }),
  first_name: name.optional(),
  last_name: name.optional(),
  phone: phone.optional(),
  role: z.enum(ROLES).optional(),
  region_id: optionalId,
  branch_id: optionalId,
  is_active: z.boolean().optional(),
}).strict().openapi("UpdateUser");

export const USER_ORDERING = ["created_at", "email", "last_name", "role"] as const;

export const ListUsersQuerySchema = z.object({
  ...pageQueryFields,
  ordering: orderingField(USER_ORDERING),
  role: z.enum(ROLES).optional(),
  region_id: z.string().optional(),
  branch_id: z.string().optional(),
  is_active: queryBoolean.optional().openapi({ example: "true" }),
  search: z.string().max(100).optional().openapi({
    description: "Matches email, first or last name.",
  }),
});
export type ListUsersQuery = z.infer<typeof ListUsersQuerySchema>;

export const UserPageSchema = pageSchema(UserSchema, "UserPage");
