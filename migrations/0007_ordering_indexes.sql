CREATE INDEX `clients_tenant_updated_idx` ON `clients` (`tenant_id`,`deleted_at`,`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `reminders_tenant_date_id_idx` ON `reminders` (`tenant_id`,`date`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_tenant_due_idx` ON `tasks` (`tenant_id`,`due_date`,`id`);