DROP INDEX `clients_branch_created_idx`;--> statement-breakpoint
DROP INDEX `clients_assigned_idx`;--> statement-breakpoint
CREATE INDEX `clients_tenant_branch_created_idx` ON `clients` (`tenant_id`,`branch_id`,`deleted_at`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `clients_tenant_assigned_idx` ON `clients` (`tenant_id`,`assigned_to`,`deleted_at`,`created_at`,`id`);