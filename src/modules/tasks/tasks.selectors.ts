/**
 * Reads of tasks: visible to their creator, their assignee, and whoever's scope
 * holds the assignee's or the client's branch (tasksInScope, SPEC §2).
 * @module
 */
import { and, eq, gte, lte, sql } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { selectRows } from "../../db/json-rows.ts";
import { tasks } from "../../db/schema/index.ts";
import { notFound } from "../../lib/errors.ts";
import { filterUserId } from "../../lib/fields.ts";
import { isUuid } from "../../lib/ids.ts";
import { countOf, type Ordering, paginate } from "../../lib/pagination.ts";
import { matchesSearch } from "../../lib/search.ts";
import { tasksInScope } from "../../scope/filters.ts";
import type { TenantScope } from "../../scope/scope.ts";
import type { ListTasksQuery, Task } from "./tasks.schemas.ts";

const ordering: Ordering = {
  columns: {
    created_at: tasks.created_at,
    updated_at: tasks.updated_at,
    due_date: tasks.due_date,
  },
  id: tasks.id,
  default: "-created_at",
};

/** Lists the tasks the caller sees, with the filters staff use. */
export function listTasks(db: Database, scope: TenantScope, query: ListTasksQuery, url: string) {
  const me = scope.actor.userId;
  const where = and(
    tasksInScope(scope, db),
    query.status ? eq(tasks.status, query.status) : undefined,
    query.priority ? eq(tasks.priority, query.priority) : undefined,
    query.assigned_to ? eq(tasks.assigned_to, filterUserId(query.assigned_to, me)) : undefined,
    query.created_by ? eq(tasks.created_by, filterUserId(query.created_by, me)) : undefined,
    query.client_id ? eq(tasks.client_id, query.client_id) : undefined,
    query.due_before ? lte(tasks.due_date, query.due_before) : undefined,
    query.due_after ? gte(tasks.due_date, query.due_after) : undefined,
    query.tag
      ? sql`EXISTS (SELECT 1 FROM json_each(${tasks.tags}) WHERE json_each.value = ${query.tag})`
      : undefined,
    matchesSearch(query.search, [tasks.title, tasks.detail]),
  );
  return paginate(url, query, ordering, {
    rows: (seek, orderBy, limit, offset) =>
      selectRows(db, tasks, { where: and(where, seek), orderBy, limit, offset }),
    ...countOf(db, tasks, where),
  });
}

/** One task the caller sees, or 404. */
export async function getTask(db: Database, scope: TenantScope, id: string): Promise<Task> {
  if (!isUuid(id)) throw notFound("Task");
  const [row] = await db.select().from(tasks).where(and(tasksInScope(scope, db), eq(tasks.id, id)));
  if (!row) throw notFound("Task");
  return row;
}
