-- User names are matched without regard to case (issue 17): `Planner` signs in as `planner`, and no two users may
-- have names that differ only in case. The index is on the very expression the lookups use (Access/Users.cs).
--
-- Users whose names already differ only in case are not merged (which one's role, password and keys would win is
-- not ours to guess): the migration stops, names them, and leaves the database as it was. Remove all but one of
-- each (DELETE FROM users WHERE user_name = '...' removes a user with their keys and hospitals), then start again.
DO $$
DECLARE
    clashes text;
BEGIN
    SELECT string_agg(names, '; ') INTO clashes FROM (
        SELECT string_agg(user_name, ', ' ORDER BY user_name) AS names
        FROM users GROUP BY lower(user_name) HAVING COUNT(*) > 1
    ) c;
    IF clashes IS NOT NULL THEN
        RAISE EXCEPTION 'User names that differ only in case: %. Names are now matched without regard to case; '
            'remove all but one user of each, then migrate again.', clashes;
    END IF;
END $$;

CREATE UNIQUE INDEX users_user_name_folded ON users (lower(user_name));
