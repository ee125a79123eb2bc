-- The search index's b-trees are merged by the worker that writes it, a few pages per batch
-- (server/modules/comparisons/search-index.ts), not by FTS5 at each commit: its own merges, at a
-- commit, held the write lock up to 80 ms at a time (docs/decisions/0008).
INSERT INTO `comparison_search` (`comparison_search`, `rank`) VALUES ('automerge', 0);
