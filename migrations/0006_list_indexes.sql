DROP INDEX `tasks_client_idx`;--> statement-breakpoint
CREATE INDEX `tasks_tenant_client_idx` ON `tasks` (`tenant_id`,`client_id`);--> statement-breakpoint
CREATE INDEX `application_stages_tenant_type_position_idx` ON `application_stages` (`tenant_id`,`application_type_id`,`position`,`id`);--> statement-breakpoint
CREATE INDEX `applications_tenant_intake_idx` ON `applications` (`tenant_id`,`intake`,`id`);