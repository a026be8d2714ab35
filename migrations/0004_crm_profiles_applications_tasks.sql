CREATE TABLE `application_stages` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`application_type_id` text NOT NULL,
	`name` text NOT NULL,
	`position` integer NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`application_type_id`) REFERENCES `application_types`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `application_stages_type_position_idx` ON `application_stages` (`application_type_id`,`position`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `application_stages_type_name_uq` ON `application_stages` (`application_type_id`,`name`);--> statement-breakpoint
CREATE TABLE `application_types` (
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
CREATE UNIQUE INDEX `application_types_tenant_code_uq` ON `application_types` (`tenant_id`,`code`);--> statement-breakpoint
CREATE INDEX `application_types_tenant_created_idx` ON `application_types` (`tenant_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `applications` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`client_id` text NOT NULL,
	`application_type_id` text NOT NULL,
	`stage_id` text,
	`institution` text DEFAULT '' NOT NULL,
	`course` text DEFAULT '' NOT NULL,
	`intake` text,
	`assigned_to` text,
	`status` text DEFAULT 'active' NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`application_type_id`) REFERENCES `application_types`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`stage_id`) REFERENCES `application_stages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assigned_to`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `applications_tenant_created_idx` ON `applications` (`tenant_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `applications_client_idx` ON `applications` (`client_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `applications_tenant_status_idx` ON `applications` (`tenant_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `applications_assigned_idx` ON `applications` (`assigned_to`,`status`);--> statement-breakpoint
CREATE INDEX `applications_type_idx` ON `applications` (`application_type_id`);--> statement-breakpoint
CREATE INDEX `applications_stage_idx` ON `applications` (`stage_id`);--> statement-breakpoint
CREATE TABLE `client_experiences` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`client_id` text NOT NULL,
	`employer` text NOT NULL,
	`position` text NOT NULL,
	`country` text,
	`start_date` text NOT NULL,
	`end_date` text,
	`hours_per_week` real,
	`description` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `client_experiences_client_idx` ON `client_experiences` (`client_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `client_lpes` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`client_id` text NOT NULL,
	`evidence_type` text NOT NULL,
	`title` text NOT NULL,
	`issued_by` text DEFAULT '' NOT NULL,
	`issue_date` text,
	`expiry_date` text,
	`proficiency_id` text,
	`is_verified` integer DEFAULT false NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`proficiency_id`) REFERENCES `client_proficiencies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `client_lpes_client_idx` ON `client_lpes` (`client_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `client_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`client_id` text NOT NULL,
	`kind` text DEFAULT 'note' NOT NULL,
	`body` text NOT NULL,
	`author_id` text NOT NULL,
	`at` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `client_notes_client_at_idx` ON `client_notes` (`client_id`,`at`,`id`);--> statement-breakpoint
CREATE TABLE `client_passports` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`client_id` text NOT NULL,
	`passport_number` text NOT NULL,
	`country` text NOT NULL,
	`issue_date` text,
	`expiry_date` text,
	`is_current` integer DEFAULT true NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `client_passports_client_idx` ON `client_passports` (`client_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `client_passports_tenant_number_idx` ON `client_passports` (`tenant_id`,`passport_number`);--> statement-breakpoint
CREATE TABLE `client_proficiencies` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`client_id` text NOT NULL,
	`test` text NOT NULL,
	`overall` real NOT NULL,
	`listening` real,
	`reading` real,
	`writing` real,
	`speaking` real,
	`test_date` text NOT NULL,
	`reference_number` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `client_proficiencies_client_idx` ON `client_proficiencies` (`client_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `client_qualifications` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`client_id` text NOT NULL,
	`level` text NOT NULL,
	`title` text NOT NULL,
	`institution` text NOT NULL,
	`country` text,
	`field_of_study` text DEFAULT '' NOT NULL,
	`start_date` text,
	`completion_date` text,
	`grade` text DEFAULT '' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `client_qualifications_client_idx` ON `client_qualifications` (`client_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `reminders` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`client_id` text NOT NULL,
	`date` text NOT NULL,
	`message` text NOT NULL,
	`assigned_to` text,
	`done` integer DEFAULT false NOT NULL,
	`done_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assigned_to`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reminders_tenant_date_idx` ON `reminders` (`tenant_id`,`done`,`date`);--> statement-breakpoint
CREATE INDEX `reminders_client_idx` ON `reminders` (`client_id`,`date`);--> statement-breakpoint
CREATE INDEX `reminders_assigned_idx` ON `reminders` (`assigned_to`,`done`,`date`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`client_id` text,
	`title` text NOT NULL,
	`detail` text DEFAULT '' NOT NULL,
	`priority` text DEFAULT 'medium' NOT NULL,
	`status` text DEFAULT 'todo' NOT NULL,
	`due_date` text,
	`assigned_to` text,
	`tags` text NOT NULL,
	`comments` text NOT NULL,
	`completed_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assigned_to`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `tasks_tenant_created_idx` ON `tasks` (`tenant_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_tenant_status_due_idx` ON `tasks` (`tenant_id`,`status`,`due_date`);--> statement-breakpoint
CREATE INDEX `tasks_assigned_idx` ON `tasks` (`assigned_to`,`status`,`due_date`);--> statement-breakpoint
CREATE INDEX `tasks_creator_idx` ON `tasks` (`created_by`,`created_at`);--> statement-breakpoint
CREATE INDEX `tasks_client_idx` ON `tasks` (`client_id`);