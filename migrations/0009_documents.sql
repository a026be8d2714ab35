CREATE TABLE `checklist_items` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`client_id` text NOT NULL,
	`visa_application_id` text,
	`application_id` text,
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
	FOREIGN KEY (`application_id`) REFERENCES `applications`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`status_changed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "checklist_items_one_case" CHECK(("checklist_items"."visa_application_id" IS NULL) <> ("checklist_items"."application_id" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `checklist_items_visa_application_idx` ON `checklist_items` (`visa_application_id`,`position`);--> statement-breakpoint
CREATE INDEX `checklist_items_application_idx` ON `checklist_items` (`application_id`,`position`);--> statement-breakpoint
CREATE INDEX `checklist_items_tenant_due_idx` ON `checklist_items` (`tenant_id`,`status`,`due_date`);--> statement-breakpoint
CREATE TABLE `document_files` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`client_id` text NOT NULL,
	`checklist_item_id` text,
	`name` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`storage_key` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`deleted_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`checklist_item_id`) REFERENCES `checklist_items`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `document_files_item_idx` ON `document_files` (`checklist_item_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `document_files_client_idx` ON `document_files` (`client_id`,`created_at`);