CREATE TABLE `comparison_search_queue` (
	`comparison_id` integer PRIMARY KEY NOT NULL,
	`reindex` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE `comparisons` ADD `extra_overlap` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `comparisons` ADD `agreement` real;--> statement-breakpoint
ALTER TABLE `comparisons` ADD `consensus` text;--> statement-breakpoint
ALTER TABLE `comparisons` ADD `skip_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `comparisons` ADD `flag_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `comparisons_agreement_idx` ON `comparisons` (`project_id`,`agreement`,`id`) WHERE "comparisons"."agreement" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `comparisons_gold_idx` ON `comparisons` (`project_id`,`id`) WHERE "comparisons"."gold_ranking" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `comparisons_skipped_idx` ON `comparisons` (`project_id`,`id`) WHERE "comparisons"."skip_count" > 0;--> statement-breakpoint
CREATE INDEX `comparisons_flagged_idx` ON `comparisons` (`project_id`,`id`) WHERE "comparisons"."flag_count" > 0;--> statement-breakpoint
CREATE INDEX `comparisons_figures_pending_idx` ON `comparisons` (`id`) WHERE "comparisons"."consensus" IS NULL AND "comparisons"."ranking_count" > 0;
--> statement-breakpoint
UPDATE `comparisons` SET `skip_count` = (SELECT count(*) FROM `assignments` a WHERE a.`comparison_id` = `comparisons`.`id` AND a.`skipped_at` IS NOT NULL)
WHERE `id` IN (SELECT `comparison_id` FROM `assignments` WHERE `skipped_at` IS NOT NULL);
--> statement-breakpoint
UPDATE `comparisons` SET `flag_count` = (
	SELECT count(*) FROM `rankings` r WHERE r.`comparison_id` = `comparisons`.`id` AND EXISTS (SELECT 1 FROM json_each(r.`flags`) f WHERE json_array_length(f.`value`) > 0))
WHERE `id` IN (SELECT `comparison_id` FROM `rankings` WHERE `flags` != '{}');
--> statement-breakpoint
CREATE TRIGGER `comparisons_skip_count_changed_assignment` AFTER UPDATE OF `skipped_at` ON `assignments`
WHEN (old.`skipped_at` IS NULL) != (new.`skipped_at` IS NULL) BEGIN
	UPDATE `comparisons` SET `skip_count` = `skip_count` + CASE WHEN new.`skipped_at` IS NULL THEN -1 ELSE 1 END WHERE `id` = new.`comparison_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `comparisons_skip_count_removed_assignment` AFTER DELETE ON `assignments` WHEN old.`skipped_at` IS NOT NULL BEGIN
	UPDATE `comparisons` SET `skip_count` = `skip_count` - 1 WHERE `id` = old.`comparison_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `comparisons_flag_count_new_ranking` AFTER INSERT ON `rankings`
WHEN EXISTS (SELECT 1 FROM json_each(new.`flags`) f WHERE json_array_length(f.`value`) > 0) BEGIN
	UPDATE `comparisons` SET `flag_count` = `flag_count` + 1 WHERE `id` = new.`comparison_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `comparisons_flag_count_changed_ranking` AFTER UPDATE OF `flags` ON `rankings`
WHEN EXISTS (SELECT 1 FROM json_each(old.`flags`) f WHERE json_array_length(f.`value`) > 0)
	!= EXISTS (SELECT 1 FROM json_each(new.`flags`) f WHERE json_array_length(f.`value`) > 0) BEGIN
	UPDATE `comparisons` SET `flag_count` = `flag_count`
		+ CASE WHEN EXISTS (SELECT 1 FROM json_each(new.`flags`) f WHERE json_array_length(f.`value`) > 0) THEN 1 ELSE -1 END
	WHERE `id` = new.`comparison_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `comparisons_flag_count_removed_ranking` AFTER DELETE ON `rankings`
WHEN EXISTS (SELECT 1 FROM json_each(old.`flags`) f WHERE json_array_length(f.`value`) > 0) BEGIN
	UPDATE `comparisons` SET `flag_count` = `flag_count` - 1 WHERE `id` = old.`comparison_id`;
END;
--> statement-breakpoint
CREATE VIRTUAL TABLE `comparison_search` USING fts5(`source_id`, `metadata`, `messages`, content='', contentless_delete=1);
--> statement-breakpoint
INSERT INTO `comparison_search_queue` (`comparison_id`) SELECT `id` FROM `comparisons`;
--> statement-breakpoint
CREATE TRIGGER `comparison_search_new_comparison` AFTER INSERT ON `comparisons` BEGIN
	INSERT OR IGNORE INTO `comparison_search_queue` (`comparison_id`) VALUES (new.`id`);
END;
--> statement-breakpoint
CREATE TRIGGER `comparison_search_removed_comparison` AFTER DELETE ON `comparisons` BEGIN
	INSERT OR REPLACE INTO `comparison_search_queue` (`comparison_id`, `reindex`) VALUES (old.`id`, 1);
END;
