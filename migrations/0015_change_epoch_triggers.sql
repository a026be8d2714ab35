-- change_epochs (0014) moved by the writes that change what a cache depends on, in the
-- writing transaction: `access` by anything a live actor is read from (auth/live-actor.ts),
-- `client_counts` by any change of a count or of the branches a region's count sums.
-- An UPDATE that changes none of the watched columns (a login's last_login, a PATCH of a
-- client's notes) moves nothing. The upsert keeps a counter whose row went missing moving.
INSERT INTO `change_epochs` (`name`, `n`) VALUES ('access', 0), ('client_counts', 0);
--> statement-breakpoint
CREATE TRIGGER `users_access_update` AFTER UPDATE OF `id`, `role`, `tenant_id`, `region_id`, `branch_id`, `is_active` ON `users`
WHEN OLD.`id` IS NOT NEW.`id` OR OLD.`role` IS NOT NEW.`role` OR OLD.`tenant_id` IS NOT NEW.`tenant_id`
  OR OLD.`region_id` IS NOT NEW.`region_id` OR OLD.`branch_id` IS NOT NEW.`branch_id`
  OR OLD.`is_active` IS NOT NEW.`is_active`
BEGIN
  INSERT INTO `change_epochs` (`name`, `n`) VALUES ('access', 1) ON CONFLICT DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `users_access_delete` AFTER DELETE ON `users` BEGIN
  INSERT INTO `change_epochs` (`name`, `n`) VALUES ('access', 1) ON CONFLICT DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `auth_sessions_access_update` AFTER UPDATE OF `id`, `user_id`, `expires_at`, `revoked_at` ON `auth_sessions`
WHEN OLD.`id` IS NOT NEW.`id` OR OLD.`user_id` IS NOT NEW.`user_id`
  OR OLD.`expires_at` IS NOT NEW.`expires_at` OR OLD.`revoked_at` IS NOT NEW.`revoked_at`
BEGIN
  INSERT INTO `change_epochs` (`name`, `n`) VALUES ('access', 1) ON CONFLICT DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `auth_sessions_access_delete` AFTER DELETE ON `auth_sessions` BEGIN
  INSERT INTO `change_epochs` (`name`, `n`) VALUES ('access', 1) ON CONFLICT DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `tenants_access_update` AFTER UPDATE OF `id`, `is_active` ON `tenants`
WHEN OLD.`id` IS NOT NEW.`id` OR OLD.`is_active` IS NOT NEW.`is_active`
BEGIN
  INSERT INTO `change_epochs` (`name`, `n`) VALUES ('access', 1) ON CONFLICT DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `tenants_access_delete` AFTER DELETE ON `tenants` BEGIN
  INSERT INTO `change_epochs` (`name`, `n`) VALUES ('access', 1) ON CONFLICT DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `client_counts_epoch_insert` AFTER INSERT ON `client_counts` BEGIN
  INSERT INTO `change_epochs` (`name`, `n`) VALUES ('client_counts', 1) ON CONFLICT DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `client_counts_epoch_update` AFTER UPDATE ON `client_counts` BEGIN
  INSERT INTO `change_epochs` (`name`, `n`) VALUES ('client_counts', 1) ON CONFLICT DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `client_counts_epoch_delete` AFTER DELETE ON `client_counts` BEGIN
  INSERT INTO `change_epochs` (`name`, `n`) VALUES ('client_counts', 1) ON CONFLICT DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `branches_counts_update` AFTER UPDATE OF `id`, `tenant_id`, `region_id` ON `branches`
WHEN OLD.`id` IS NOT NEW.`id` OR OLD.`tenant_id` IS NOT NEW.`tenant_id` OR OLD.`region_id` IS NOT NEW.`region_id`
BEGIN
  INSERT INTO `change_epochs` (`name`, `n`) VALUES ('client_counts', 1) ON CONFLICT DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `branches_counts_delete` AFTER DELETE ON `branches` BEGIN
  INSERT INTO `change_epochs` (`name`, `n`) VALUES ('client_counts', 1) ON CONFLICT DO UPDATE SET `n` = `n` + 1;
END;
