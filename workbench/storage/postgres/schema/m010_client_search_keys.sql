-- Migration 10 on PostgreSQL: the client's keys beside its words (workbench/storage/postgres/search.py).
-- Idempotent (IF NOT EXISTS; the keys are recomputed), so a desk whose record of steps was rewound replays it.
--   client_search.keys   the client's client_keys (code, code number, CPF/CNPJ, phones, e-mail),
--                        normalised, each between spaces: "a key starting with maria" is the
--                        LIKE pattern '% maria%', answered by a GIN trigram index like the words,
--                        so a term's condition is bitmap scans of client_search alone (a broad
--                        name word that also starts 60,000 e-mails was 60,000 primary-key probes).
--   client_search_trade_first
--                        the first word of the trade name (third field of first_words), then name
--                        order: with client_search_order (name_key starts the name's first word),
--                        the clients a term ranks 1 for, read in name order.
ALTER TABLE client_search ADD COLUMN IF NOT EXISTS keys TEXT NOT NULL DEFAULT '';
CREATE TEMPORARY TABLE m010_keys ON COMMIT DROP AS
    SELECT client_id, ' ' || string_agg(key, ' ' ORDER BY key) || ' ' AS keys FROM client_keys GROUP BY client_id;
UPDATE client_search s SET keys = k.keys FROM m010_keys k WHERE k.client_id = s.client_id;
CREATE INDEX IF NOT EXISTS client_search_keys ON client_search USING gin (keys gin_trgm_ops);
CREATE INDEX IF NOT EXISTS client_search_trade_first ON client_search ((split_part(first_words, ' ', 3) COLLATE "C"), name_key, client_id);
-- the rows in name order (a page of a broad search is read in that order) and the update's old versions gone
CLUSTER client_search USING client_search_order;
ANALYZE client_search;
-- Open attendances by deadline across every queue (the supervisors' "every queue" page); a queue's and
-- an operator's pages use open_attendances_queue and open_attendances_owner (workbench/storage/postgres/lists.py).
CREATE INDEX IF NOT EXISTS open_attendances_due ON open_attendances (due_at, created_at, protocol);
