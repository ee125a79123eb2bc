CREATE TABLE `project_counts` (
	`project_id` integer PRIMARY KEY NOT NULL,
	`comparisons` integer DEFAULT 0 NOT NULL,
	`completed` integer DEFAULT 0 NOT NULL,
	`rankings` integer DEFAULT 0 NOT NULL,
	`gold` integer DEFAULT 0 NOT NULL,
	`data_version` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `project_counts` (`project_id`, `comparisons`, `completed`, `rankings`, `gold`)
SELECT p.`id`, count(c.`id`), coalesce(sum(c.`done` AND c.`gold_ranking` IS NULL), 0), coalesce(sum(c.`ranking_count`), 0), coalesce(sum(c.`gold_ranking` IS NOT NULL), 0)
FROM `projects` p LEFT JOIN `comparisons` c ON c.`project_id` = p.`id` GROUP BY p.`id`;
--> statement-breakpoint
CREATE TRIGGER `project_counts_new_project` AFTER INSERT ON `projects` BEGIN
	INSERT INTO `project_counts` (`project_id`) VALUES (new.`id`);
END;
--> statement-breakpoint
CREATE TRIGGER `project_counts_new_comparison` AFTER INSERT ON `comparisons` BEGIN
	UPDATE `project_counts` SET `comparisons` = `comparisons` + 1, `completed` = `completed` + (new.`done` AND new.`gold_ranking` IS NULL),
		`rankings` = `rankings` + new.`ranking_count`, `gold` = `gold` + (new.`gold_ranking` IS NOT NULL), `data_version` = `data_version` + 1
	WHERE `project_id` = new.`project_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `project_counts_changed_comparison` AFTER UPDATE OF `done`, `gold_ranking`, `ranking_count`, `project_id` ON `comparisons` BEGIN
	UPDATE `project_counts` SET `comparisons` = `comparisons` - 1, `completed` = `completed` - (old.`done` AND old.`gold_ranking` IS NULL),
		`rankings` = `rankings` - old.`ranking_count`, `gold` = `gold` - (old.`gold_ranking` IS NOT NULL), `data_version` = `data_version` + 1
	WHERE `project_id` = old.`project_id`;
	UPDATE `project_counts` SET `comparisons` = `comparisons` + 1, `completed` = `completed` + (new.`done` AND new.`gold_ranking` IS NULL),
		`rankings` = `rankings` + new.`ranking_count`, `gold` = `gold` + (new.`gold_ranking` IS NOT NULL)
	WHERE `project_id` = new.`project_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `project_counts_removed_comparison` AFTER DELETE ON `comparisons` BEGIN
	UPDATE `project_counts` SET `comparisons` = `comparisons` - 1, `completed` = `completed` - (old.`done` AND old.`gold_ranking` IS NULL),
		`rankings` = `rankings` - old.`ranking_count`, `gold` = `gold` - (old.`gold_ranking` IS NOT NULL), `data_version` = `data_version` + 1
	WHERE `project_id` = old.`project_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `project_counts_new_ranking` AFTER INSERT ON `rankings` BEGIN
	UPDATE `project_counts` SET `data_version` = `data_version` + 1 WHERE `project_id` = (SELECT `project_id` FROM `comparisons` WHERE `id` = new.`comparison_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `project_counts_changed_ranking` AFTER UPDATE ON `rankings` BEGIN
	UPDATE `project_counts` SET `data_version` = `data_version` + 1 WHERE `project_id` = (SELECT `project_id` FROM `comparisons` WHERE `id` = new.`comparison_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `project_counts_removed_ranking` AFTER DELETE ON `rankings` BEGIN
	UPDATE `project_counts` SET `data_version` = `data_version` + 1 WHERE `project_id` = (SELECT `project_id` FROM `comparisons` WHERE `id` = old.`comparison_id`);
END;
