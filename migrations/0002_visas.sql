CREATE TABLE `visa_applications` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`client_id` text NOT NULL,
	`visa_type_id` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`lodged_date` text,
	`decision_date` text,
	`expiry_date` text,
	`fee_amount` integer DEFAULT 0 NOT NULL,
	`fee_currency` text NOT NULL,
	`fee_paid_amount` integer DEFAULT 0 NOT NULL,
	`government_reference` text,
	`grant_number` text,
	`conditions` text DEFAULT '' NOT NULL,
	`rfi_due_date` text,
	`assigned_to` text,
	`notes` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`visa_type_id`) REFERENCES `visa_types`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assigned_to`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `visa_applications_tenant_created_idx` ON `visa_applications` (`tenant_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `visa_applications_client_idx` ON `visa_applications` (`client_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `visa_applications_tenant_status_idx` ON `visa_applications` (`tenant_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `visa_applications_assigned_idx` ON `visa_applications` (`assigned_to`,`status`);--> statement-breakpoint
CREATE INDEX `visa_applications_type_idx` ON `visa_applications` (`visa_type_id`);--> statement-breakpoint
CREATE INDEX `visa_applications_reference_idx` ON `visa_applications` (`tenant_id`,`government_reference`);--> statement-breakpoint
CREATE TABLE `visa_categories` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`code` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `visa_categories_tenant_code_uq` ON `visa_categories` (`tenant_id`,`code`);--> statement-breakpoint
CREATE INDEX `visa_categories_tenant_created_idx` ON `visa_categories` (`tenant_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `visa_types` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`visa_category_id` text NOT NULL,
	`name` text NOT NULL,
	`code` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`checklist` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`visa_category_id`) REFERENCES `visa_categories`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `visa_types_tenant_code_uq` ON `visa_types` (`tenant_id`,`code`);--> statement-breakpoint
CREATE INDEX `visa_types_category_idx` ON `visa_types` (`visa_category_id`);--> statement-breakpoint
CREATE INDEX `visa_types_tenant_created_idx` ON `visa_types` (`tenant_id`,`created_at`,`id`);