ALTER TABLE `conversations` ADD `source` text DEFAULT 'import' NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `ended_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `usage` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `latency_ms` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `from_suggestion` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `suggestion_model` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `suggestion_edit_distance` integer;--> statement-breakpoint
ALTER TABLE `demonstrations` ADD `prompt_conversation_id` integer REFERENCES conversations(id);--> statement-breakpoint
CREATE INDEX `demonstrations_prompt_conversation_id_idx` ON `demonstrations` (`prompt_conversation_id`);--> statement-breakpoint
ALTER TABLE `projects` ADD `model_base_url` text;--> statement-breakpoint
ALTER TABLE `projects` ADD `model_name` text;--> statement-breakpoint
ALTER TABLE `projects` ADD `model_api_key` text;--> statement-breakpoint
ALTER TABLE `projects` ADD `sampling` text DEFAULT '{"temperature":1,"topP":1,"maxTokens":1024,"k":4}' NOT NULL;