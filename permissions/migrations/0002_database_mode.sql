-- Which mode made this database: 'offline' (the embedded mock, whose users
-- arrive with permissions) or 'online' (real providers). One row, written
-- at the first start; a database keeps its mode, so that permissions
-- granted to the mock's users never reach real accounts with the same ids
-- (permissions/src/offline.rs).
CREATE TABLE database_mode (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    mode TEXT NOT NULL
);
