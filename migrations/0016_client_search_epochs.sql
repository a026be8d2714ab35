-- A counter per agency, `clients <tenant id>` in change_epochs, for the in-memory
-- search of a scope's clients (modules/clients/client-search.ts). It moves with
-- anything that search reads: a client made or deleted, and an update of a
-- client's id, agency, branch, deletion, status, creation time or searched
-- columns; a branch's agency or region (a region's scope is its branches) or
-- its deletion. Both agencies move when a row changes agency. A PATCH of notes,
-- or any write of another agency, moves nothing.
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
CREATE TRIGGER `branches_search_update` AFTER UPDATE OF `id`, `tenant_id`, `region_id` ON `branches`
WHEN OLD.`id` IS NOT NEW.`id` OR OLD.`tenant_id` IS NOT NEW.`tenant_id` OR OLD.`region_id` IS NOT NEW.`region_id`
BEGIN
  INSERT INTO `change_epochs` (`name`, `n`) SELECT 'clients ' || `t`, 1 FROM (SELECT OLD.`tenant_id` AS `t` UNION SELECT NEW.`tenant_id`) WHERE true ON CONFLICT DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `branches_search_delete` AFTER DELETE ON `branches` BEGIN
  INSERT INTO `change_epochs` (`name`, `n`) VALUES ('clients ' || OLD.`tenant_id`, 1) ON CONFLICT DO UPDATE SET `n` = `n` + 1;
END;
