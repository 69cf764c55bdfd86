-- Identities keyed by issuer and subject. OpenID Connect Core §5.7: a
-- `sub` is unique only at its issuer. Keyed by the provider's name, a
-- database kept across a change of GOOGLE_ISSUER let `sub=alice` at the
-- new issuer into the old alice's account, with her permissions.
--
-- Neither SQLite nor PostgreSQL changes a primary key in place in a way
-- both understand, so the table is made again and the rows copied.
CREATE TABLE identities_by_issuer (
    -- Who vouches for the subject: Discord's base URL, or the OpenID
    -- issuer that discovery confirmed and the ID token's `iss` named.
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    -- The name in URLs (`discord`, `google`): which login and refresh
    -- code this identity uses, and what people read.
    provider TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    profile TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
-- Rows from before did not record their issuer. They are marked
-- `unrecorded:{provider}`, and the first start that knows the providers
-- gives them the issuer it is configured with (users::adopt_unrecorded):
-- the database was in use with that configuration until then.
INSERT INTO identities_by_issuer (issuer, subject, provider, user_id, profile)
    SELECT 'unrecorded:' || provider, subject, provider, user_id, profile FROM identities;
DROP TABLE identities;
ALTER TABLE identities_by_issuer RENAME TO identities;
CREATE INDEX identities_by_user ON identities (user_id);
