/**
 * Statements prepared once per database and key (a query's shape) and reused with
 * new values: building and compiling a query through drizzle on every request was
 * a sixth of a detail and a tenth of a list.
 * @module
 */
import { lruPerOwner } from "../lib/lru.ts";
import type { Database } from "./database.ts";

/**
 * A cache of statements of one kind: `(db, key, build)` gives the statement
 * prepared for `key` on `db`, built by `build` the first time. Keys are shapes,
 * not values, so few; `max` only guards against a caller's mistake.
 */
export function preparedPerDatabase<P>(
  max: number,
): (db: Database, key: string, build: () => P) => P {
  const statementsIn = lruPerOwner<Database, string, P>(max);
  return (db, key, build) => {
    const statements = statementsIn(db);
    let statement = statements.get(key);
    if (statement === undefined) {
      statement = build();
      statements.set(key, statement);
    }
    return statement;
  };
}
