/** Every table, for drizzle's schema-aware client and drizzle-kit. @module */
export * from "./tenancy.ts";
export * from "./auth.ts";
export * from "./audit.ts";
export * from "./crm.ts";
export * from "./visas.ts";
export * from "./profiles.ts";
export * from "./work.ts";
export * from "./notifications.ts";
export * from "./replication.ts";
export * from "./documents.ts";
export * from "./change-epochs.ts";
