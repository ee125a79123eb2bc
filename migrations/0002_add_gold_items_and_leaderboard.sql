ALTER TABLE `comparisons` ADD `gold_ranking` text;--> statement-breakpoint
ALTER TABLE `projects` ADD `gold_rate` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `projects` ADD `leaderboard` integer DEFAULT false NOT NULL;