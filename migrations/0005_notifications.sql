CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`recipient_id` text NOT NULL,
	`seq` integer NOT NULL,
	`type` text NOT NULL,
	`title` text NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`meta` text NOT NULL,
	`read` integer DEFAULT false NOT NULL,
	`read_at` text,
	`is_completed` integer DEFAULT false NOT NULL,
	`dedupe_key` text,
	`created_by` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recipient_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_recipient_seq_uq` ON `notifications` (`recipient_id`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_dedupe_recipient_uq` ON `notifications` (`dedupe_key`,`recipient_id`);--> statement-breakpoint
CREATE INDEX `notifications_recipient_read_idx` ON `notifications` (`recipient_id`,`read`,`seq`);--> statement-breakpoint
CREATE INDEX `notifications_recipient_type_idx` ON `notifications` (`recipient_id`,`type`,`seq`);--> statement-breakpoint
CREATE TABLE `stream_tickets` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`session_id` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`session_id`) REFERENCES `auth_sessions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `stream_tickets_expires_idx` ON `stream_tickets` (`expires_at`);--> statement-breakpoint
CREATE INDEX `clients_tenant_passport_expiry_idx` ON `clients` (`tenant_id`,`passport_expiry_date`);