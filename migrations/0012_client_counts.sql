CREATE TABLE `client_counts` (
	`tenant_id` text NOT NULL,
	`branch_id` text NOT NULL,
	`status` text NOT NULL,
	`deleted` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `branch_id`, `status`, `deleted`)
);
