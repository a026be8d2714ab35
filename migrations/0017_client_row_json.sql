-- Custom SQL migration (drizzle-kit 0.31 neither adds a STORED generated column
-- nor records one in its snapshot). Adds clients.row_json, the row as a list or
-- detail answers it, which SQLite computes on every write (see schema/crm.ts).
-- SQLite cannot add a STORED column, so the table is rebuilt, in an order that
-- holds under deferred foreign keys (D1): the rows are copied out, the table is
-- dropped and made again, and the rows are copied back, so every client row
-- another table references exists again at commit. The indexes, then the
-- triggers, are made after the copy: the triggers must not count the copied rows.
PRAGMA defer_foreign_keys = ON;
--> statement-breakpoint
CREATE TABLE `__old_clients` AS SELECT `id`, `tenant_id`, `branch_id`, `assigned_to`, `agent_id`, `first_name`, `last_name`, `email`, `phone`, `date_of_birth`, `gender`, `nationality`, `passport_number`, `passport_expiry_date`, `current_visa`, `visa_expiry_date`, `address`, `notes`, `status`, `lead_source`, `created_at`, `updated_at`, `created_by`, `updated_by`, `deleted_at`, `deleted_by` FROM `clients`;
--> statement-breakpoint
DROP TABLE `clients`;
--> statement-breakpoint
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
	`search_text` text GENERATED ALWAYS AS (coalesce("first_name", '') || char(31) || coalesce("last_name", '') || char(31) || coalesce("email", '') || char(31) || coalesce("phone", '') || char(31) || coalesce("passport_number", '')) VIRTUAL,
	`row_json` text GENERATED ALWAYS AS (json_object('id', "id", 'tenant_id', "tenant_id", 'branch_id', "branch_id", 'assigned_to', "assigned_to", 'agent_id', "agent_id", 'first_name', "first_name", 'last_name', "last_name", 'email', "email", 'phone', "phone", 'date_of_birth', "date_of_birth", 'gender', "gender", 'nationality', "nationality", 'passport_number', "passport_number", 'passport_expiry_date', "passport_expiry_date", 'current_visa', "current_visa", 'visa_expiry_date', "visa_expiry_date", 'address', "address", 'notes', "notes", 'status', "status", 'lead_source', "lead_source", 'created_at', "created_at", 'updated_at', "updated_at", 'created_by', "created_by", 'updated_by', "updated_by", 'deleted_at', "deleted_at", 'deleted_by', "deleted_by")) STORED,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assigned_to`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `clients` (`id`, `tenant_id`, `branch_id`, `assigned_to`, `agent_id`, `first_name`, `last_name`, `email`, `phone`, `date_of_birth`, `gender`, `nationality`, `passport_number`, `passport_expiry_date`, `current_visa`, `visa_expiry_date`, `address`, `notes`, `status`, `lead_source`, `created_at`, `updated_at`, `created_by`, `updated_by`, `deleted_at`, `deleted_by`) SELECT `id`, `tenant_id`, `branch_id`, `assigned_to`, `agent_id`, `first_name`, `last_name`, `email`, `phone`, `date_of_birth`, `gender`, `nationality`, `passport_number`, `passport_expiry_date`, `current_visa`, `visa_expiry_date`, `address`, `notes`, `status`, `lead_source`, `created_at`, `updated_at`, `created_by`, `updated_by`, `deleted_at`, `deleted_by` FROM `__old_clients`;
--> statement-breakpoint
DROP TABLE `__old_clients`;
--> statement-breakpoint
CREATE INDEX `clients_tenant_visa_expiry_idx` ON `clients` (`tenant_id`,`visa_expiry_date`);
--> statement-breakpoint
CREATE INDEX `clients_tenant_last_name_idx` ON `clients` (`tenant_id`,`last_name`,`id`);
--> statement-breakpoint
CREATE INDEX `clients_agent_idx` ON `clients` (`agent_id`);
--> statement-breakpoint
CREATE INDEX `clients_tenant_assigned_idx` ON `clients` (`tenant_id`,`assigned_to`,`deleted_at`,`created_at`,`id`);
--> statement-breakpoint
CREATE INDEX `clients_tenant_passport_expiry_idx` ON `clients` (`tenant_id`,`passport_expiry_date`);
--> statement-breakpoint
CREATE INDEX `clients_tenant_updated_idx` ON `clients` (`tenant_id`,`deleted_at`,`updated_at`,`id`);
--> statement-breakpoint
CREATE INDEX `clients_tenant_branch_status_idx` ON `clients` (`tenant_id`,`branch_id`,`deleted_at`,`status`,`created_at`,`id`,`search_text`);
--> statement-breakpoint
CREATE INDEX `clients_tenant_created_idx` ON `clients` (`tenant_id`,`deleted_at`,`created_at`,`id`,`status`,`search_text`);
--> statement-breakpoint
CREATE INDEX `clients_tenant_branch_created_idx` ON `clients` (`tenant_id`,`branch_id`,`deleted_at`,`created_at`,`id`,`status`,`search_text`);
--> statement-breakpoint
CREATE INDEX `clients_tenant_status_idx` ON `clients` (`tenant_id`,`deleted_at`,`status`,`created_at`,`id`,`search_text`);
--> statement-breakpoint
CREATE TRIGGER `clients_count_insert` AFTER INSERT ON `clients` BEGIN
  INSERT INTO `client_counts` (`tenant_id`, `branch_id`, `status`, `deleted`, `n`)
  VALUES (NEW.`tenant_id`, NEW.`branch_id`, NEW.`status`, NEW.`deleted_at` IS NOT NULL, 1)
  ON CONFLICT DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `clients_count_delete` AFTER DELETE ON `clients` BEGIN
  UPDATE `client_counts` SET `n` = `n` - 1
  WHERE `tenant_id` = OLD.`tenant_id` AND `branch_id` = OLD.`branch_id`
    AND `status` = OLD.`status` AND `deleted` = (OLD.`deleted_at` IS NOT NULL);
END;
--> statement-breakpoint
CREATE TRIGGER `clients_count_update` AFTER UPDATE OF `tenant_id`, `branch_id`, `status`, `deleted_at` ON `clients`
WHEN OLD.`tenant_id` IS NOT NEW.`tenant_id` OR OLD.`branch_id` IS NOT NEW.`branch_id`
  OR OLD.`status` IS NOT NEW.`status` OR (OLD.`deleted_at` IS NULL) <> (NEW.`deleted_at` IS NULL)
BEGIN
  UPDATE `client_counts` SET `n` = `n` - 1
  WHERE `tenant_id` = OLD.`tenant_id` AND `branch_id` = OLD.`branch_id`
    AND `status` = OLD.`status` AND `deleted` = (OLD.`deleted_at` IS NOT NULL);
  INSERT INTO `client_counts` (`tenant_id`, `branch_id`, `status`, `deleted`, `n`)
  VALUES (NEW.`tenant_id`, NEW.`branch_id`, NEW.`status`, NEW.`deleted_at` IS NOT NULL, 1)
  ON CONFLICT DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `clients_search_insert` AFTER INSERT ON `clients` BEGIN
  INSERT INTO `change_epochs` (`name`, `n`) VALUES ('clients ' || NEW.`tenant_id`, 1) ON CONFLICT DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `clients_search_delete` AFTER DELETE ON `clients` BEGIN
  INSERT INTO `change_epochs` (`name`, `n`) VALUES ('clients ' || OLD.`tenant_id`, 1) ON CONFLICT DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `clients_search_update` AFTER UPDATE OF `id`, `tenant_id`, `branch_id`, `deleted_at`, `status`, `created_at`, `first_name`, `last_name`, `email`, `phone`, `passport_number` ON `clients`
WHEN OLD.`id` IS NOT NEW.`id` OR OLD.`tenant_id` IS NOT NEW.`tenant_id` OR OLD.`branch_id` IS NOT NEW.`branch_id`
  OR OLD.`deleted_at` IS NOT NEW.`deleted_at` OR OLD.`status` IS NOT NEW.`status` OR OLD.`created_at` IS NOT NEW.`created_at`
  OR OLD.`first_name` IS NOT NEW.`first_name` OR OLD.`last_name` IS NOT NEW.`last_name` OR OLD.`email` IS NOT NEW.`email`
  OR OLD.`phone` IS NOT NEW.`phone` OR OLD.`passport_number` IS NOT NEW.`passport_number`
BEGIN
  INSERT INTO `change_epochs` (`name`, `n`) SELECT 'clients ' || `t`, 1 FROM (SELECT OLD.`tenant_id` AS `t` UNION SELECT NEW.`tenant_id`) WHERE true ON CONFLICT DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
-- The rebuild ran without the triggers: every agency's copy of its clients for
-- `search=` (client-search.ts) is made again.
UPDATE `change_epochs` SET `n` = `n` + 1 WHERE `name` LIKE 'clients %';
