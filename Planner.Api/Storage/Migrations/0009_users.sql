-- People who sign in, with their role and scope: a planner sees everything; a logistics officer the province
-- (city_code NULL) or one city; a hospital administrator the hospitals listed in user_hospitals.
CREATE TABLE users (
    user_name     TEXT        NOT NULL PRIMARY KEY,
    display_name  TEXT        NOT NULL,
    role          TEXT        NOT NULL CHECK (role IN ('planner', 'logistics', 'hospital')),
    city_code     TEXT        REFERENCES regions (code),
    password_hash TEXT        NOT NULL,
    created_at    $timestamp$ NOT NULL,
    CHECK (role = 'logistics' OR city_code IS NULL)
);

-- Hospital codes as the hospitals feed names them (a hospital may be listed before the feed brings it).
CREATE TABLE user_hospitals (
    user_name     TEXT NOT NULL REFERENCES users (user_name) ON DELETE CASCADE,
    hospital_code TEXT NOT NULL,
    PRIMARY KEY (user_name, hospital_code)
);

-- Keys for the API; only their SHA-256 is stored (a key is 32 random bytes, so a plain hash is enough).
CREATE TABLE api_keys (
    id         TEXT        NOT NULL PRIMARY KEY,
    user_name  TEXT        NOT NULL REFERENCES users (user_name) ON DELETE CASCADE,
    key_sha256 TEXT        NOT NULL UNIQUE,
    label      TEXT        NOT NULL,
    created_at $timestamp$ NOT NULL,
    revoked_at $timestamp$
);
