-- Migration 2 on PostgreSQL: the client search index (the DuckDB side is
-- workbench/storage/search_index.py). Same idea: every word start and inner
-- suffix of names, codes, documents, phones and e-mails as a term, each with
-- its client's place in name order (nid), so "contains silv" is one b-tree range
-- read index-only, ordered by name with integers, no string sort.
CREATE TABLE client_search (
    client_id INTEGER PRIMARY KEY,
    nid       INTEGER NOT NULL,          -- position in name order, gapped for inserts
    name_key  TEXT COLLATE "C" NOT NULL, -- normalised name (where a new client's nid goes)
    haystack  TEXT NOT NULL              -- every normalised token, to verify long terms
);
CREATE UNIQUE INDEX client_search_nid ON client_search (nid);
CREATE TABLE client_terms (
    term TEXT COLLATE "C" NOT NULL,      -- a normalised token suffix
    nid  INTEGER NOT NULL,
    kind SMALLINT NOT NULL
);
CREATE INDEX client_terms_term ON client_terms (term) INCLUDE (nid, kind);
CREATE TABLE client_words (
    word TEXT PRIMARY KEY,               -- distinct normalised name words, for the typo fallback
    n_chars SMALLINT NOT NULL
);
