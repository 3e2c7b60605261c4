-- User names are matched without regard to case (issue 17): `Planner` signs in as `planner`, and no two users may
-- have names that differ only in case. The index is on the very expression the lookups use (Access/Users.cs).
--
-- Users whose names already differ only in case are not merged (which one's role, password and keys would win is
-- not ours to guess): the migration stops, names them, and leaves the database as it was. Remove all but one of
-- each (DELETE FROM users WHERE user_name = '...' removes a user with their keys and hospitals), then start again.
-- SQLite has no RAISE outside triggers: a temporary trigger raises it.
CREATE TEMP TABLE user_name_clashes (names TEXT NOT NULL);
CREATE TEMP TRIGGER user_name_clash BEFORE INSERT ON user_name_clashes
BEGIN
    SELECT RAISE(ABORT, 'User names that differ only in case: ' || NEW.names
        || '. Names are now matched without regard to case; remove all but one user of each, then migrate again.');
END;
INSERT INTO user_name_clashes (names)
SELECT names FROM (
    SELECT group_concat(names, '; ') AS names FROM (
        SELECT group_concat(user_name, ', ') AS names FROM users GROUP BY lower(user_name) HAVING COUNT(*) > 1
    )
) WHERE names IS NOT NULL;
DROP TRIGGER temp.user_name_clash;
DROP TABLE temp.user_name_clashes;

CREATE UNIQUE INDEX users_user_name_folded ON users (lower(user_name));
