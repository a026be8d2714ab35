CREATE TABLE `replication_log` (
	`position` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`statements` text NOT NULL
);
