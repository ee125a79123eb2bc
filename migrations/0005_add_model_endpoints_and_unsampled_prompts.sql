CREATE TABLE `model_endpoints` (
	`base_url` text PRIMARY KEY NOT NULL,
	`takes_n` integer NOT NULL,
	`learned_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `unsampled_prompts` (
	`message_id` integer PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `messages` ADD `served_model` text;