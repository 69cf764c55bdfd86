-- The whole schema of stage 3, for SQLite and PostgreSQL alike: only types
-- both understand (BIGINT, TEXT), ids made by the application, times as
-- Unix seconds.

-- A person, as this application knows them.
CREATE TABLE users (
    id BIGINT PRIMARY KEY,
    display_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Who they are at an identity provider. A user is found by (provider,
-- subject), never by e-mail: an address can be unverified or recycled.
CREATE TABLE identities (
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The provider's profile, as JSON, as of the last login.
    profile TEXT NOT NULL,
    PRIMARY KEY (provider, subject)
);
CREATE INDEX identities_by_user ON identities (user_id);

-- What a user may do: one row per (user, permission).
CREATE TABLE permissions (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    PRIMARY KEY (user_id, name)
);

-- Server-side sessions. The browser's cookie holds a random id; only its
-- SHA-256 is kept here, so a copy of this table cannot be replayed as a
-- cookie. The provider's tokens are sealed (AES-256-GCM) with a key from
-- SESSION_SECRET, so a copy does not leak them either.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    sealed_tokens TEXT NOT NULL,
    -- When the access token inside runs out.
    access_expires_at BIGINT NOT NULL,
    -- Counts refreshes: a refresh is written only over the version it read.
    token_version BIGINT NOT NULL,
    -- Set while one instance refreshes, so that no other redeems the same
    -- refresh token (it would look like theft to the provider).
    refreshing_until BIGINT,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    idle_expires_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
