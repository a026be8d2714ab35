CREATE TABLE `agents` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`branch_id` text,
	`name` text NOT NULL,
	`company` text DEFAULT '' NOT NULL,
	`email` text,
	`phone` text DEFAULT '' NOT NULL,
	`commission_percent` real DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`deleted_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `agents_tenant_created_idx` ON `agents` (`tenant_id`,`deleted_at`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `agents_branch_idx` ON `agents` (`branch_id`,`deleted_at`,`created_at`);--> statement-breakpoint
CREATE TABLE `clients` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`branch_id` text NOT NULL,
	`assigned_to` text,
	`agent_id` text,
	`first_name` text NOT NULL,
	`last_name` text NOT NULL,
	`email` text,
	`phone` text DEFAULT '' NOT NULL,
	`date_of_birth` text,
	`gender` text DEFAULT 'unspecified' NOT NULL,
	`nationality` text,
	`passport_number` text,
	`passport_expiry_date` text,
	`current_visa` text,
	`visa_expiry_date` text,
	`address` text DEFAULT '' NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'lead' NOT NULL,
	`lead_source` text DEFAULT 'walk_in' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`deleted_at` text,
	`deleted_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assigned_to`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `clients_tenant_created_idx` ON `clients` (`tenant_id`,`deleted_at`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `clients_branch_created_idx` ON `clients` (`branch_id`,`deleted_at`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `clients_assigned_idx` ON `clients` (`assigned_to`,`deleted_at`,`created_at`);--> statement-breakpoint
CREATE INDEX `clients_tenant_status_idx` ON `clients` (`tenant_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `clients_tenant_visa_expiry_idx` ON `clients` (`tenant_id`,`visa_expiry_date`);--> statement-breakpoint
CREATE INDEX `clients_tenant_last_name_idx` ON `clients` (`tenant_id`,`last_name`,`id`);--> statement-breakpoint
CREATE INDEX `clients_agent_idx` ON `clients` (`agent_id`);