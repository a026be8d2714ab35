/** Reads of staff users within the caller's scope. @module */
import { and, eq } from "drizzle-orm";
import { getTableColumns } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { users } from "../../db/schema/index.ts";
import { notFound } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { countOf, type Ordering, paginate } from "../../lib/pagination.ts";
import { matchesSearch } from "../../lib/search.ts";
import { usersInScope } from "../../scope/filters.ts";
import type { TenantScope } from "../../scope/scope.ts";
import type { ListUsersQuery, User } from "./users.schemas.ts";

/** Every column but the password hash, which no read path returns. */
const { password_hash: _hidden, ...publicColumns } = getTableColumns(users);

const ordering: Ordering = {
  columns: {
    created_at: users.created_at,
    email: users.email,
    last_name: users.last_name,
    role: users.role,
  },
  id: users.id,
  default: "created_at",
};

/** Lists the users placed inside the caller's scope. */
export function listUsers(db: Database, scope: TenantScope, query: ListUsersQuery, url: string) {
  const where = and(
    usersInScope(scope),
    query.role ? eq(users.role, query.role) : undefined,
    query.region_id ? eq(users.region_id, query.region_id) : undefined,
    query.branch_id ? eq(users.branch_id, query.branch_id) : undefined,
    query.is_active === undefined ? undefined : eq(users.is_active, query.is_active),
    matchesSearch(query.search, [users.email, users.first_name, users.last_name]),
  );
  return paginate(url, query, ordering, {
    rows: (seek, orderBy, limit, offset) =>
      db.select(publicColumns).from(users).where(and(where, seek)).orderBy(...orderBy).limit(limit)
        .offset(offset),
    ...countOf(db, users, where),
  });
}

/** One user in scope, or 404. */
export async function getUser(db: Database, scope: TenantScope, id: string): Promise<User> {
  if (!isUuid(id)) throw notFound("User");
  const [row] = await db.select(publicColumns).from(users).where(
    and(usersInScope(scope), eq(users.id, id)),
  );
  if (!row) throw notFound("User");
  return row;
}

/** True when some user already has this (lower-cased) email, in any tenant. */
export async function emailInUse(db: Database, email: string): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(
    1,
  );
  return row !== undefined;
}
