-- Which identity opened each session: the provider is already there, and
-- this is its subject. Unlinking an identity ends the sessions it opened
-- (permissions/src/linking.rs). Sessions from before have none, and end
-- with their timeouts.
ALTER TABLE sessions ADD COLUMN subject TEXT;
