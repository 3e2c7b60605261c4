-- Reference data: the administrative tree, products, priority tiers and the planning assumptions.
CREATE TABLE regions (
    code                 TEXT    NOT NULL PRIMARY KEY,
    name                 TEXT    NOT NULL,
    name_en              TEXT,
    level                TEXT    NOT NULL
                                 CHECK (level IN ('province', 'city', 'county', 'town', 'village', 'external')),
    parent_code          TEXT    REFERENCES regions (code),
    population           $bigint$,
    population_estimated INTEGER NOT NULL DEFAULT 0,
    risk_level           INTEGER,
    lat                  $double$,
    lon                  $double$
);
CREATE INDEX ix_regions_parent ON regions (parent_code);

CREATE TABLE products (
    code    TEXT    NOT NULL PRIMARY KEY,
    name    TEXT    NOT NULL,
    name_en TEXT    NOT NULL,
    unit    TEXT    NOT NULL,
    durable INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE priority_tiers (
    tier        INTEGER NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    name_en     TEXT    NOT NULL,
    description TEXT    NOT NULL
);

CREATE TABLE demand_segments (
    code        TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    name_en     TEXT    NOT NULL,
    tier        INTEGER NOT NULL REFERENCES priority_tiers (tier),
    driver      TEXT    NOT NULL,
    risk_scaled INTEGER NOT NULL
);

CREATE TABLE consumption_rates (
    segment_code TEXT     NOT NULL REFERENCES demand_segments (code),
    product_code TEXT     NOT NULL REFERENCES products (code),
    rate         $double$ NOT NULL CHECK (rate >= 0),
    note         TEXT     NOT NULL,
    PRIMARY KEY (segment_code, product_code)
);

CREATE TABLE risk_levels (
    level      INTEGER  NOT NULL PRIMARY KEY,
    name       TEXT     NOT NULL,
    name_en    TEXT     NOT NULL,
    colour     TEXT     NOT NULL,
    multiplier $double$ NOT NULL
);

CREATE TABLE planning_parameters (
    name  TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL,
    note  TEXT NOT NULL
);

CREATE TABLE county_drivers (
    county_code         TEXT     NOT NULL PRIMARY KEY REFERENCES regions (code),
    employees           $bigint$ NOT NULL,
    key_population      $bigint$ NOT NULL,
    fever_clinic_visits $bigint$ NOT NULL,
    checkpoints         $bigint$ NOT NULL
);
