DROP INDEX `clients_tenant_created_idx`;--> statement-breakpoint
DROP INDEX `clients_tenant_branch_created_idx`;--> statement-breakpoint
CREATE INDEX `clients_tenant_created_idx` ON `clients` (`tenant_id`,`deleted_at`,`created_at`,`id`,`status`,`first_name`,`last_name`,`email`,`phone`,`passport_number`);--> statement-breakpoint
CREATE INDEX `clients_tenant_branch_created_idx` ON `clients` (`tenant_id`,`branch_id`,`deleted_at`,`created_at`,`id`,`status`,`first_name`,`last_name`,`email`,`phone`,`passport_number`);