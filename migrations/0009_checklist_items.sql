CREATE TABLE `checklist_items` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`client_id` text NOT NULL,
	`visa_application_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`required` integer NOT NULL,
	`status` text DEFAULT 'requested' NOT NULL,
	`rejection_reason` text,
	`due_date` text,
	`position` integer NOT NULL,
	`status_changed_at` text,
	`status_changed_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`deleted_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`visa_application_id`) REFERENCES `visa_applications`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`status_changed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `checklist_items_application_idx` ON `checklist_items` (`visa_application_id`,`position`);--> statement-breakpoint
CREATE INDEX `checklist_items_tenant_due_idx` ON `checklist_items` (`tenant_id`,`status`,`due_date`);