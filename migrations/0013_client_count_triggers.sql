-- client_counts (0012) kept by the writes to clients themselves, in their own transaction.
-- A row leaves its old (tenant, branch, status, deleted) and joins its new one; an UPDATE
-- that changes none of the four (most PATCHes) does nothing here.
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
INSERT INTO `client_counts` (`tenant_id`, `branch_id`, `status`, `deleted`, `n`)
SELECT `tenant_id`, `branch_id`, `status`, `deleted_at` IS NOT NULL, count(*) FROM `clients`
GROUP BY 1, 2, 3, 4;
