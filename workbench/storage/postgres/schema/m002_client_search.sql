-- Migration 2 on PostgreSQL: the client search index (the DuckDB side is
-- workbench/storage/search_index.py; here workbench/storage/postgres/search.py).
-- Same matching rules with PostgreSQL's own indexes:
--   client_search.words  the normalised words of name and trade name, padded with
--                        spaces: "contains silv" and "a word starting with jo" are
--                        LIKE patterns a GIN trigram index answers;
--   client_keys          code, code number, CPF/CNPJ, phones (with and without the
--                        area code) and e-mail, normalised: prefix searches on a b-tree;
--   client_words         the distinct name words, for the typo-tolerant fallback.
CREATE TABLE client_search (
    client_id   INTEGER PRIMARY KEY,
    name_key    TEXT COLLATE "C" NOT NULL,   -- normalised name: the order of results
    first_words TEXT NOT NULL,               -- ' first word of name ' ' first word of trade name '
    words       TEXT NOT NULL                -- ' every word of name and trade name '
);
CREATE INDEX client_search_words ON client_search USING gin (words gin_trgm_ops);
CREATE INDEX client_search_order ON client_search (name_key, client_id);
CREATE TABLE client_keys (
    key       TEXT COLLATE "C" NOT NULL,
    client_id INTEGER NOT NULL,
    kind      SMALLINT NOT NULL                -- as search_index: 1 e-mail, 3 code, 4 document, 5 phone
);
CREATE INDEX client_keys_key ON client_keys (key) INCLUDE (client_id, kind);
CREATE INDEX client_keys_client ON client_keys (client_id);
CREATE TABLE client_words (
    word    TEXT PRIMARY KEY,                  -- distinct normalised name words, for the typo fallback
    n_chars SMALLINT NOT NULL
);
CREATE INDEX client_words_length ON client_words (n_chars);
