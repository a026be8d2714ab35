DROP INDEX `clients_tenant_created_idx`;--> statement-breakpoint
DROP INDEX `clients_tenant_branch_created_idx`;--> statement-breakpoint
DROP INDEX `clients_tenant_status_idx`;--> statement-breakpoint
ALTER TABLE `clients` ADD `search_text` text GENERATED ALWAYS AS (coalesce("first_name", '') || char(31) || coalesce("last_name", '') || char(31) || coalesce("email", '') || char(31) || coalesce("phone", '') || char(31) || coalesce("passport_number", '')) VIRTUAL;--> statement-breakpoint
CREATE INDEX `clients_tenant_branch_status_idx` ON `clients` (`tenant_id`,`branch_id`,`deleted_at`,`status`,`created_at`,`id`,`search_text`);--> statement-breakpoint
CREATE INDEX `clients_tenant_created_idx` ON `clients` (`tenant_id`,`deleted_at`,`created_at`,`id`,`status`,`search_text`);--> statement-breakpoint
CREATE INDEX `clients_tenant_branch_created_idx` ON `clients` (`tenant_id`,`branch_id`,`deleted_at`,`created_at`,`id`,`status`,`search_text`);--> statement-breakpoint
CREATE INDEX `clients_tenant_status_idx` ON `clients` (`tenant_id`,`deleted_at`,`status`,`created_at`,`id`,`search_text`);