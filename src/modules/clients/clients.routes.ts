/** /clients: every role reads and edits clients in scope; branch_admin and up delete, restore, move. @module */
import { crudRouter } from "../../lib/crud-routes.ts";
import {
  ClientPageSchema,
  ClientSchema,
  CreateClientSchema,
  ListClientsQuerySchema,
  UpdateClientSchema,
} from "./clients.schemas.ts";
import { getClientText, listClients } from "./clients.selectors.ts";
import { createClient, setClientDeleted, updateClient } from "./clients.services.ts";

export const clientsRouter = crudRouter({
  tag: "Clients",
  path: "/clients",
  noun: { one: "client", many: "clients" },
  row: ClientSchema,
  page: ClientPageSchema,
  list: {
    summary: "List clients in scope",
    description:
      "Newest first by default. Filters combine with AND; `search` matches names, email, phone and passport number.",
    query: ListClientsQuerySchema,
    run: listClients,
  },
  create: { summary: "Create a client", body: CreateClientSchema, run: createClient },
  get: { summary: "One live client", run: getClientText },
  update: {
    summary: "Change a client (a new branch_id moves it: branch_admin and up)",
    body: UpdateClientSchema,
    run: updateClient,
  },
  remove: {
    summary: "Soft-delete a client (branch_admin and up)",
    run: (db, scope, meta, id) => setClientDeleted(db, scope, meta, id, true),
  },
  restore: {
    summary: "Restore a soft-deleted client (branch_admin and up)",
    run: (db, scope, meta, id) => setClientDeleted(db, scope, meta, id, false),
  },
});
